"""Forms of the first run's steps: shape of input only; the services hold the rules."""

from django import forms
from django.contrib.auth import get_user_model

from aims.forms import BootstrapFormMixin
from aims.models import AIMSScope, OrganisationProfile
from aims.ms.forms import OwnerFieldMixin
from aims.people import PersonChoiceField
from inventory.models import DeploymentType

from .services import GAP_STATUS_LABELS, GAP_STATUSES, StockStatus

User = get_user_model()
Framework = OrganisationProfile.Framework


def _people():
    return User.objects.filter(is_active=True).order_by("username")


class ProfileForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = OrganisationProfile
        fields = ["legal_name", "sector", "size_band", "countries", "contact_name", "contact_email"]


class ScopeStepForm(BootstrapFormMixin, OwnerFieldMixin, forms.ModelForm):
    """The scope's content (4.3) and the frameworks the organisation works to."""

    frameworks = forms.MultipleChoiceField(
        label="Frameworks in use",
        choices=Framework.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="ISO/IEC 42001 is always included: it is the standard this AIMS runs to.",
    )
    frameworks_other = forms.CharField(
        label="Other frameworks", max_length=200, required=False, help_text="Name them."
    )

    class Meta:
        model = AIMSScope
        fields = ["statement", "boundaries", "exclusions", "ai_roles", "owner"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["frameworks"].widget.attrs["class"] = "form-check-input"

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("frameworks") or []
        if Framework.OTHER in chosen and not (cleaned.get("frameworks_other") or "").strip():
            self.add_error("frameworks_other", "Name the other framework.")
        return cleaned


class StockRowForm(BootstrapFormMixin, forms.Form):
    """One AI system found while taking stock; an empty row is skipped."""

    name = forms.CharField(max_length=200, required=False)
    purpose = forms.CharField(
        max_length=1000, required=False, help_text="What it does, in a sentence."
    )
    owner = PersonChoiceField(queryset=_people(), required=False)
    deployment_type = forms.ChoiceField(
        label="Built or bought", choices=DeploymentType.choices, initial=DeploymentType.IN_HOUSE
    )
    vendor = forms.CharField(
        label="Vendor", max_length=200, required=False, help_text="Empty when built in-house."
    )
    status = forms.ChoiceField(choices=StockStatus.choices, initial=StockStatus.IN_USE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not (data.get("name") or "").strip() and not (data.get("purpose") or "").strip()

    def clean(self):
        cleaned = super().clean()
        name, purpose = (cleaned.get("name") or "").strip(), (cleaned.get("purpose") or "").strip()
        if name or purpose:
            if not name:
                self.add_error("name", "Give the system a name.")
            if not purpose:
                self.add_error("purpose", "Say what the system does.")
        return cleaned


StockFormSet = forms.formset_factory(StockRowForm, extra=3, max_num=20, validate_max=True)


class GapRowForm(BootstrapFormMixin, forms.Form):
    """The assessment of one requirement or control."""

    code = forms.CharField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        choices=[("", "Not assessed yet"), *[(k, GAP_STATUS_LABELS[k]) for k in GAP_STATUSES]],
        required=False,
    )
    owner = PersonChoiceField(queryset=_people(), required=False)
    evidence_note = forms.CharField(
        label="Evidence",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 1}),
        help_text="What shows it is in place (a document, a record, a tool).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _people()


GapFormSet = forms.formset_factory(GapRowForm, extra=0)
