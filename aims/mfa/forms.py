from django import forms

from aims.forms import BootstrapFormMixin


class ResetForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        label="Reason",
        max_length=1000,
        widget=forms.Textarea,
        help_text="Why the second factors are removed (for example, a lost phone). Recorded.",
    )
