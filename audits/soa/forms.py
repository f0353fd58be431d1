"""Forms of the catalogue and Statement of Applicability pages."""

from django import forms
from django.contrib.auth import get_user_model

from aims.forms import BootstrapFormMixin, DateInput, TextLimitFormMixin
from aims.people import PersonChoiceField, choice_label
from inventory.models import AISystem
from risk.models import Risk

from ..models import CatalogueItem, ControlStatement, GapAssignment
from .gaps import SEVERITY_LABELS

User = get_user_model()
Implementation = ControlStatement.Implementation


def section_choices() -> list[tuple[str, str]]:
    headings = CatalogueItem.objects.filter(is_heading=True, parent__isnull=True).order_by(
        "sort_key"
    )
    return [
        ("", "Everything"),
        ("clauses", "Clauses 4 to 10"),
        ("annex", "Annex A controls"),
        *((h.code, f"{h.code} {h.title}") for h in headings),
    ]


class StatementFilterForm(TextLimitFormMixin, forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    section = forms.ChoiceField(label="Clause or Annex A area", required=False, choices=[])
    applicable = forms.ChoiceField(
        label="Applicability",
        required=False,
        choices=[("", "Any"), ("yes", "Applicable"), ("no", "Excluded")],
    )
    status = forms.ChoiceField(
        label="Implementation", required=False, choices=[("", "Any"), *Implementation.choices]
    )
    owner = forms.ChoiceField(label="Owner", required=False, choices=[])
    readiness = forms.ChoiceField(
        label="Readiness",
        required=False,
        choices=[("", "Any"), ("ready", "Ready"), ("not_ready", "Not ready")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = section_choices()
        owners = (
            User.objects.filter(control_statements__isnull=False).distinct().order_by("username")
        )
        self.fields["owner"].choices = [
            ("", "Anyone"),
            ("none", "No owner"),
            *((str(u.pk), u.get_full_name() or u.username) for u in owners),
        ]
        for field in self.fields.values():
            css = (
                "form-select form-select-sm"
                if isinstance(field.widget, forms.Select)
                else ("form-control form-control-sm")
            )
            field.widget.attrs["class"] = css


class StatementForm(BootstrapFormMixin, forms.ModelForm):
    """An officer's edit of one statement; the service enforces the rules."""

    class Meta:
        model = ControlStatement
        fields = [
            "applicable",
            "justification",
            "implementation_status",
            "implementation_notes",
            "owner",
            "systems",
            "risks",
        ]
        labels = {
            "applicable": "Applicable (included in the SoA)",
            "implementation_status": "Implementation status",
            "systems": "AI systems it applies to",
            "risks": "Risks whose treatment relies on it",
        }
        widgets = {
            "justification": forms.Textarea(attrs={"rows": 3}),
            "implementation_notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("username")
        self.fields["owner"].label_from_instance = choice_label
        self.fields["systems"].queryset = AISystem.objects.order_by("id")
        self.fields["systems"].label_from_instance = lambda s: f"{s.reference} {s.name}"
        self.fields["systems"].help_text = "Hold Ctrl (or Cmd) to pick several."
        self.fields["risks"].queryset = Risk.objects.select_related("system").order_by("id")
        self.fields["risks"].label_from_instance = lambda r: f"{r.reference} {r.title}"
        self.fields["risks"].help_text = "Hold Ctrl (or Cmd) to pick several."
        if self.instance.pk and self.instance.item.kind == CatalogueItem.Kind.CLAUSE:
            self.fields["applicable"].disabled = True
            self.fields[
                "applicable"
            ].help_text = "Clause requirements are mandatory and cannot be excluded."
        else:
            self.fields[
                "applicable"
            ].help_text = "Untick to exclude the control; then say why in the justification."


class VersionApproveForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label="What this version records",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=5000,
        help_text="For example the decision or review that led to it.",
    )


# --- Readiness gaps: the register's filters, the officer's assignment, the assignee's update


def _small(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs["class"] = "form-check-input"
            continue
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs["class"] = f"{css} {css}-sm"


class GapFilterForm(TextLimitFormMixin, forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    kind = forms.ChoiceField(label="Kind", required=False, choices=[])
    severity = forms.ChoiceField(
        label="Severity",
        required=False,
        choices=[("", "Any"), *SEVERITY_LABELS.items()],
    )
    owner = PersonChoiceField(
        label="Owner", required=False, queryset=User.objects.none(), empty_label="Anyone"
    )
    status = forms.ChoiceField(label="Status", required=False, choices=[])
    overdue = forms.BooleanField(label="Overdue", required=False)
    unassigned = forms.BooleanField(label="Not assigned", required=False)

    def __init__(self, *args, **kwargs):
        from .gaps import KINDS

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any kind"), *KINDS.items()]
        self.fields["status"].choices = [
            ("", "Any status"),
            ("unassigned", "Not assigned"),
            *GapAssignment.Status.choices,
        ]
        self.fields["owner"].queryset = (
            User.objects.filter(gap_assignments__isnull=False).distinct().order_by("username")
        )
        _small(self)


class GapAssignForm(BootstrapFormMixin, forms.Form):
    owner = PersonChoiceField(
        queryset=User.objects.none(), help_text="Who fixes the gap; they are told at once."
    )
    due_date = forms.DateField(label="Due date", widget=DateInput())
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=5000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("username")


class GapStatusForm(BootstrapFormMixin, forms.Form):
    status = forms.ChoiceField(choices=GapAssignment.Status.choices)
    note = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=5000,
        help_text="Needed to resolve or accept: how it was fixed, or why it stands.",
    )
