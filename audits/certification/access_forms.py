"""Forms of the auditor-access pages (shape of input only; the rules are in access.py)."""

from django import forms

from aims.forms import BootstrapFormMixin, DateInput


class GrantAccessForm(BootstrapFormMixin, forms.Form):
    username = forms.CharField(
        label="User name",
        max_length=150,
        help_text="A new account is created for the body's auditor, or their existing "
        "certification-auditor account is reused.",
    )
    email = forms.EmailField(
        required=False, help_text="Where the link to choose a password is sent."
    )
    first_name = forms.CharField(required=False, max_length=150)
    last_name = forms.CharField(required=False, max_length=150)
    valid_from = forms.DateField(widget=DateInput, label="Access from")
    valid_until = forms.DateField(
        widget=DateInput,
        label="Access until",
        help_text="Last day the account may sign in (at most 30 days after the audit ends).",
    )


class ExtendAccessForm(BootstrapFormMixin, forms.Form):
    valid_until = forms.DateField(widget=DateInput, label="Access until")


class RevokeAccessForm(BootstrapFormMixin, forms.Form):
    reason = forms.CharField(
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why the access is withdrawn (kept in its history).",
    )
