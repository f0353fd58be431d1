"""Forms of audit programmes, internal audits, checklist results and findings, and the user
choice fields the review forms share. Input shape only: the rules are in
audits.internal_audits.services and .findings."""

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q

from aims.forms import BootstrapFormMixin, DateInput, TextLimitFormMixin
from aims.people import PeopleChoiceField, PersonChoiceField
from inventory.models import AISystem

from ..models import (
    AuditProgramme,
    CatalogueItem,
    ChecklistItem,
    Finding,
    InternalAudit,
)

User = get_user_model()
MULTI_HELP = "Hold Ctrl (or Cmd) to pick several."


# The project's one naming rule for pickers (aims.people); the old names stay for importers.
UserChoiceField = PersonChoiceField
UsersChoiceField = PeopleChoiceField


def active_users():
    return User.objects.filter(is_active=True).order_by("username")


class ScopedChoices:
    """Sets the querysets of choice fields (``scope_fields``) right after the fields exist
    and before BootstrapFormMixin reads the errors, so a bound form validates against them.
    List it after BootstrapFormMixin."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_fields()

    def scope_fields(self) -> None:
        pass


class ProgrammeForm(BootstrapFormMixin, ScopedChoices, forms.ModelForm):
    owner = UserChoiceField(queryset=User.objects.none(), label="Programme owner")

    class Meta:
        model = AuditProgramme
        fields = ["title", "period_start", "period_end", "objectives", "method", "owner"]
        widgets = {"period_start": DateInput(), "period_end": DateInput()}
        help_texts = {
            "objectives": "What the audits of this period should establish.",
        }

    def scope_fields(self) -> None:
        self.fields["owner"].queryset = active_users()


class AuditForm(BootstrapFormMixin, ScopedChoices, forms.ModelForm):
    lead_auditor = UserChoiceField(
        queryset=User.objects.none(),
        help_text="Must not own any control or AI system in the scope.",
    )
    team = UsersChoiceField(
        queryset=User.objects.none(), required=False, help_text=f"Other auditors. {MULTI_HELP}"
    )
    controls = forms.ModelMultipleChoiceField(
        queryset=CatalogueItem.objects.none(),
        required=False,
        label="Controls and requirements in scope",
        help_text=f"Choosing a heading covers every requirement under it. {MULTI_HELP}",
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )
    systems = forms.ModelMultipleChoiceField(
        queryset=AISystem.objects.none(),
        required=False,
        label="AI systems in scope",
        help_text=MULTI_HELP,
    )

    class Meta:
        model = InternalAudit
        fields = [
            "programme",
            "title",
            "scope",
            "criteria",
            "planned_start",
            "planned_end",
            "lead_auditor",
            "team",
            "controls",
            "systems",
        ]
        widgets = {"planned_start": DateInput(), "planned_end": DateInput()}
        help_texts = {
            "scope": "The processes, sites, teams and period the audit covers.",
            "criteria": "What the evidence is compared with.",
        }

    def scope_fields(self) -> None:
        self.fields["lead_auditor"].queryset = active_users()
        self.fields["team"].queryset = active_users()
        self.fields["controls"].queryset = CatalogueItem.objects.order_by("sort_key")
        self.fields["systems"].queryset = AISystem.objects.order_by("name")
        self.fields["programme"].queryset = AuditProgramme.objects.order_by("-period_start")


class AuditFilterForm(TextLimitFormMixin, forms.Form):
    q = forms.CharField(label="Search", required=False)
    status = forms.ChoiceField(
        choices=[("", "Any status"), *InternalAudit.Status.choices], required=False
    )
    programme = forms.ModelChoiceField(
        queryset=AuditProgramme.objects.none(), required=False, empty_label="Any programme"
    )
    lead = UserChoiceField(
        queryset=User.objects.none(), required=False, empty_label="Any lead auditor"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["programme"].queryset = AuditProgramme.objects.order_by("-period_start")
        self.fields["lead"].queryset = User.objects.filter(audits_led__isnull=False).distinct()
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = f"{css} {css}-sm"


class FindingFilterForm(TextLimitFormMixin, forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    kind = forms.ChoiceField(choices=[("", "Any kind"), *Finding.Kind.choices], required=False)
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Finding.Status.choices], required=False
    )
    owner = UserChoiceField(queryset=User.objects.none(), required=False, empty_label="Anyone")
    overdue = forms.BooleanField(label="Overdue", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Everyone who owns a finding, in one query for the picker.
        self.fields["owner"].queryset = User.objects.filter(
            pk__in=Finding.objects.values("owner")
        ).order_by("username")
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = f"{css} {css}-sm"


class TransitionForm(TextLimitFormMixin, forms.Form):
    note = forms.CharField(required=False, max_length=5000)


class ChecklistResultForm(TextLimitFormMixin, forms.Form):
    result = forms.ChoiceField(choices=ChecklistItem.Result.choices)
    notes = forms.CharField(required=False, max_length=5000)
    assessed_by = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True), required=False
    )


class FindingForm(BootstrapFormMixin, ScopedChoices, forms.ModelForm):
    controls = forms.ModelMultipleChoiceField(
        queryset=CatalogueItem.objects.none(),
        required=False,
        label="Controls concerned",
        help_text=MULTI_HELP,
    )
    checklist_item = forms.ModelChoiceField(
        queryset=ChecklistItem.objects.none(),
        required=False,
        label="Raised from checklist item",
        help_text="Its control is linked to the finding.",
    )

    owner = UserChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Owner",
        help_text="Who follows the finding through; they are told, and reminded when it is due.",
    )

    class Meta:
        model = Finding
        fields = ["kind", "title", "description", "controls", "owner", "due_date"]
        widgets = {"due_date": DateInput()}
        help_texts = {
            "description": "What was seen, where, and against which requirement.",
        }

    def __init__(self, *args, audit: InternalAudit, with_item: bool = True, **kwargs):
        self.audit, self.with_item = audit, with_item
        super().__init__(*args, **kwargs)

    def scope_fields(self) -> None:
        audit = self.audit
        self.fields["controls"].queryset = CatalogueItem.objects.filter(
            Q(pk__in=audit.checklist.values("item")) | Q(pk__in=audit.controls.values("pk"))
        ).order_by("sort_key")
        if self.with_item:
            self.fields["checklist_item"].queryset = audit.checklist.select_related("item")
            self.fields["checklist_item"].label_from_instance = lambda c: str(c.item)
            # Owner and due date are set once the finding stands (its edit page).
            del self.fields["owner"], self.fields["due_date"]
        else:
            del self.fields["checklist_item"]
            self.fields["owner"].queryset = active_users()
            if audit.status == InternalAudit.Status.CLOSED:
                # The audit is closed: what was found stands; only the follow-up changes.
                for name in ("kind", "title", "description", "controls"):
                    self.fields[name].disabled = True
        self.fields["kind"].widget = forms.RadioSelect(choices=Finding.Kind.choices)


class FindingCapaForm(BootstrapFormMixin, ScopedChoices, forms.Form):
    title = forms.CharField(max_length=200)
    nonconformity = forms.CharField(widget=forms.Textarea, label="Nonconformity")
    root_cause = forms.CharField(widget=forms.Textarea, required=False)
    action_plan = forms.CharField(
        widget=forms.Textarea, help_text="What will be done to remove the cause."
    )
    owner = UserChoiceField(queryset=User.objects.none(), help_text="Who carries out the action.")
    due_date = forms.DateField(widget=DateInput())

    def scope_fields(self) -> None:
        self.fields["owner"].queryset = active_users()
