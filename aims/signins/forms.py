"""The filters of the sign-in audit (page and API alike) and the unlock confirmation."""

from django import forms

from aims.forms import TextLimitFormMixin
from aims.signins.models import SignInEvent


class SignInEventFilterForm(TextLimitFormMixin, forms.Form):
    q = forms.CharField(
        label="Search", required=False, max_length=200,
        help_text="Username, address or browser.",
    )  # fmt: skip
    user = forms.CharField(label="Account (username)", required=False, max_length=150)
    kind = forms.ChoiceField(
        label="What happened", required=False, choices=[("", "Any"), *SignInEvent.Kind.choices]
    )
    channel = forms.ChoiceField(
        label="How", required=False, choices=[("", "Any"), *SignInEvent.Channel.choices]
    )
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ChoiceField) else "form-control"
            field.widget.attrs.setdefault("class", f"{css} form-control-sm")

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError("The start date is after the end date.", code="invalid")
        return data


class UnlockForm(TextLimitFormMixin, forms.Form):
    username = forms.CharField(
        label="Username", max_length=150, widget=forms.TextInput(attrs={"class": "form-control"})
    )
