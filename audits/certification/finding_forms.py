"""Forms of the certification body's findings and our responses. Input shape only: the rules
(a clause at least, a nonconformity's deadline and owner, dates of a response) are in
audits.certification.findings, and reach the form as field errors."""

from django import forms
from django.contrib.auth import get_user_model

from aims.forms import BootstrapFormMixin, DateInput, TextLimitFormMixin
from aims.people import PersonChoiceField

from ..models import CatalogueItem, ExternalAudit, ExternalFinding

User = get_user_model()
MULTI_HELP = "Hold Ctrl (or Cmd) to pick several."


def catalogue_choices():
    return CatalogueItem.objects.filter(is_heading=False).order_by("sort_key")


class FindingForm(BootstrapFormMixin, forms.ModelForm):
    clauses = forms.ModelMultipleChoiceField(
        queryset=CatalogueItem.objects.none(),
        required=False,  # the service says why none is refused, on this field
        label="Clauses or controls",
        help_text="The requirements the finding is raised against. " + MULTI_HELP,
    )
    owner = PersonChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Owner",
        help_text="Who answers the finding (a nonconformity needs one); reminded before the "
        "deadline.",
    )

    class Meta:
        model = ExternalFinding
        fields = ["kind", "title", "description", "clauses", "response_due", "owner"]
        widgets = {"response_due": DateInput(), "kind": forms.RadioSelect}
        labels = {"response_due": "Response deadline"}
        help_texts = {
            "response_due": "The body's deadline for our response (nonconformities only).",
        }

    def __init__(self, *args, audit: ExternalAudit, **kwargs):
        self.audit = audit
        super().__init__(*args, **kwargs)
        self.fields["clauses"].queryset = catalogue_choices()
        self.fields["clauses"].label_from_instance = lambda c: f"{c.code} {c.title}"
        self.fields["clauses"].widget.attrs["size"] = 10
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("username")
        self.fields["kind"].widget.choices = ExternalFinding.Kind.choices


class FindingFilterForm(TextLimitFormMixin, forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    kind = forms.ChoiceField(
        choices=[("", "Any kind"), *ExternalFinding.Kind.choices], required=False
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), *ExternalFinding.Status.choices], required=False
    )
    audit = forms.ModelChoiceField(
        queryset=ExternalAudit.objects.none(), required=False, empty_label="Any audit"
    )
    clause = forms.ModelChoiceField(
        queryset=CatalogueItem.objects.none(), required=False, empty_label="Any clause"
    )
    overdue = forms.BooleanField(label="Overdue", required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the audits the user may see (an owner sees none: they filter their own).
        self.fields["audit"].queryset = ExternalAudit.objects.restrict(user, "view").order_by(
            "-start_date", "-id"
        )
        self.fields["clause"].queryset = CatalogueItem.objects.filter(
            pk__in=ExternalFinding.clauses.through.objects.values("catalogueitem")
        ).order_by("sort_key")
        self.fields["clause"].label_from_instance = lambda c: f"{c.code} {c.title}"
        for field in self.fields.values():
            if isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "form-check-input"
                continue
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs["class"] = f"{css} {css}-sm"


class ResponseForm(BootstrapFormMixin, forms.Form):
    correction = forms.CharField(
        widget=forms.Textarea, help_text="What was done at once to fix the nonconformity."
    )
    root_cause = forms.CharField(widget=forms.Textarea, help_text="Why it happened.")
    corrective_action_taken = forms.CharField(
        widget=forms.Textarea,
        label="Corrective action taken",
        help_text="What was changed so that it does not happen again.",
    )
    sent_on = forms.DateField(
        widget=DateInput(), label="Sent on", help_text="The day the response went to the body."
    )
    evidence_file = forms.FileField(required=False, label="Evidence file")
    evidence_url = forms.URLField(
        required=False,
        assume_scheme="https",
        label="Evidence link",
        help_text="Or a link to the evidence.",
    )
    evidence_title = forms.CharField(required=False, max_length=200, label="Evidence title")


class NoteForm(TextLimitFormMixin, forms.Form):
    note = forms.CharField(required=False, max_length=5000)
