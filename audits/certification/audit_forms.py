"""Forms of certification bodies, external audits and certificates. Input shape only: the
rules are in audits.certification.services."""

from django import forms

from aims.forms import BootstrapFormMixin, DateInput, TextLimitFormMixin
from inventory.models import AISystem

from .models import Certificate, CertificationBody, ExternalAudit

MULTI_HELP = "Hold Ctrl (or Cmd) to pick several."


def _small(form: forms.Form) -> None:
    for field in form.fields.values():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        field.widget.attrs["class"] = f"{css} {css}-sm"


class BodyForm(BootstrapFormMixin, forms.ModelForm):
    # A typed "example.org" is a web address: assume https (Django 6's default too).
    website = forms.URLField(required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = CertificationBody
        fields = [
            "name",
            "accreditation",
            "country",
            "contact_name",
            "contact_email",
            "website",
            "notes",
        ]


class AuditForm(BootstrapFormMixin, forms.ModelForm):
    sampled_systems = forms.ModelMultipleChoiceField(
        queryset=AISystem.objects.none(),
        required=False,
        label="AI systems sampled",
        help_text=f"The systems the body asked to see. {MULTI_HELP}",
    )

    class Meta:
        model = ExternalAudit
        fields = [
            "body",
            "kind",
            "certificate",
            "title",
            "start_date",
            "end_date",
            "scope",
            "lead_auditor",
            "sampled_systems",
            "sampled_records",
            "period_start",
            "period_end",
        ]
        widgets = {
            "start_date": DateInput(),
            "end_date": DateInput(),
            "period_start": DateInput(),
            "period_end": DateInput(),
            "scope": forms.Textarea(attrs={"rows": 3}),
            "sampled_records": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {
            "certificate": "Required for a surveillance or recertification audit; empty for "
            "stage 1 and stage 2.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sampled_systems"].queryset = AISystem.objects.order_by("name")
        self.fields["body"].queryset = CertificationBody.objects.order_by("name")
        self.fields["certificate"].queryset = Certificate.objects.select_related("body").order_by(
            "-issued_on"
        )
        self.fields["certificate"].label_from_instance = lambda c: f"{c.number} ({c.body.name})"


class AuditFilterForm(TextLimitFormMixin, forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    kind = forms.ChoiceField(
        choices=[("", "Any kind"), *ExternalAudit.Kind.choices], required=False
    )
    status = forms.ChoiceField(
        choices=[("", "Any status"), *ExternalAudit.Status.choices], required=False
    )
    body = forms.ModelChoiceField(
        queryset=CertificationBody.objects.none(), required=False, empty_label="Any body"
    )
    year = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].queryset = CertificationBody.objects.order_by("name")
        self.fields["year"].choices = [("", "Any year"), *[(y, str(y)) for y in years]]
        _small(self)


class CompleteForm(BootstrapFormMixin, forms.Form):
    outcome = forms.ChoiceField(choices=(), widget=forms.RadioSelect)
    notes = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        label="Notes on the outcome",
        help_text="The body's conclusion, in its words or ours.",
    )

    def __init__(self, *args, outcomes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [(o, ExternalAudit.Outcome(o).label) for o in outcomes]


class StartForm(TextLimitFormMixin, forms.Form):
    """Starting an audit asks for nothing but the confirmation."""


class CancelForm(BootstrapFormMixin, forms.Form):
    notes = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), label="Why is the audit cancelled?"
    )


class CertificateForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Certificate
        fields = [
            "issuing_audit",
            "number",
            "body",
            "scope",
            "issued_on",
            "expires_on",
            "show_publicly",
        ]
        widgets = {
            "issued_on": DateInput(),
            "expires_on": DateInput(),
            "scope": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, audits=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuing_audit"].required = True
        self.fields["issuing_audit"].queryset = audits
        self.fields[
            "issuing_audit"
        ].help_text = (
            "A completed stage 2 or recertification audit whose outcome recommends certification."
        )
        self.fields["body"].queryset = CertificationBody.objects.order_by("name")

    def validate_unique(self):  # the service says it, in its own words
        pass


class CertificateTransitionForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}),
        label="Reason",
        help_text="The body's decision and its date.",
    )


class CertificateFilterForm(TextLimitFormMixin, forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    status = forms.ChoiceField(
        choices=[("", "Any status"), *Certificate.Status.choices], required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _small(self)
