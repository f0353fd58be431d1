"""Forms of the ISO/IEC 27001 pages: list filters, the control edit, a proposed mapping and
the review/reject decisions. Shapes only; the services enforce the rules."""

from django import forms
from django.contrib.auth import get_user_model

from aims.forms import BootstrapFormMixin, DateInput, TextLimitFormMixin
from aims.people import choice_label

from ..models import CatalogueItem
from .models import ControlMapping, SecurityControl

User = get_user_model()


def _small(form: forms.Form) -> None:
    for field in form.fields.values():
        field.widget.attrs["class"] = (
            "form-select form-select-sm"
            if isinstance(field.widget, forms.Select)
            else "form-control form-control-sm"
        )


class ControlFilterForm(TextLimitFormMixin, forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    theme = forms.ChoiceField(
        label="Theme", required=False, choices=[("", "Any"), *SecurityControl.Theme.choices]
    )
    status = forms.ChoiceField(
        label="Implementation",
        required=False,
        choices=[("", "Any"), *SecurityControl.Implementation.choices],
    )
    applicable = forms.ChoiceField(
        label="Applicability",
        required=False,
        choices=[("", "Any"), ("yes", "Applicable"), ("no", "Not applicable")],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _small(self)


class MappingFilterForm(TextLimitFormMixin, forms.Form):
    q = forms.CharField(label="Search", required=False, max_length=100)
    status = forms.ChoiceField(
        label="Status", required=False, choices=[("", "Any"), *ControlMapping.Status.choices]
    )
    source = forms.ChoiceField(
        label="Source", required=False, choices=[("", "Any"), *ControlMapping.Source.choices]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _small(self)


class ControlForm(BootstrapFormMixin, forms.ModelForm):
    """An officer's edit of one 27001 control; identifier and title are reference data."""

    class Meta:
        model = SecurityControl
        fields = [
            "applicable",
            "implementation_status",
            "implementation_notes",
            "owner",
            "last_reviewed",
        ]
        labels = {
            "applicable": "Applicable to the organisation",
            "implementation_status": "Implementation status",
        }
        widgets = {
            "implementation_notes": forms.Textarea(attrs={"rows": 3}),
            "last_reviewed": DateInput(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True).order_by("username")
        self.fields["owner"].label_from_instance = choice_label
        self.fields["implementation_status"].help_text = (
            "Evidence of a control that is implemented or partly implemented can count for "
            "the ISO/IEC 42001 items it is mapped to, once the mapping is reviewed."
        )


USER_SOURCES = [c for c in ControlMapping.Source.choices if c[0] != ControlMapping.Source.SUGGESTED]


class MappingForm(BootstrapFormMixin, forms.Form):
    """A proposed mapping, with the 42001 item typed as its code ("A.6.2.8", "7.5.3")."""

    security_control = forms.ModelChoiceField(
        label="ISO/IEC 27001 control", queryset=SecurityControl.objects.none()
    )
    item_code = forms.CharField(
        label="ISO/IEC 42001 requirement or control",
        max_length=20,
        help_text='Its code, e.g. "A.6.2.8" or "7.5.3".',
    )
    rationale = forms.CharField(
        label="Why it supports it", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    source = forms.ChoiceField(label="Source", choices=USER_SOURCES)
    source_detail = forms.CharField(
        label="Source detail",
        required=False,
        max_length=200,
        help_text="The document, analysis or person it comes from (required for a document).",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["security_control"].queryset = SecurityControl.objects.order_by("sort_key")

    def clean_item_code(self) -> CatalogueItem:
        code = self.cleaned_data["item_code"].strip()
        item = CatalogueItem.objects.filter(code__iexact=code).first()
        if item is None:
            raise forms.ValidationError(f'"{code}" is not an ISO/IEC 42001 clause or control.')
        if item.is_heading:
            raise forms.ValidationError(
                f"{item.code} is a heading; name one of its requirements or controls."
            )
        return item

    def clean(self):
        data = super().clean()
        if (
            data.get("source") == ControlMapping.Source.DOCUMENT
            and not (data.get("source_detail") or "").strip()
        ):
            self.add_error("source_detail", "Name the document the mapping comes from.")
        return data


class ReviewForm(BootstrapFormMixin, forms.Form):
    note = forms.CharField(
        label="Review note",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RejectForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label="Why it is rejected", max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
