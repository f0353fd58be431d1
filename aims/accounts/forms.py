"""Forms of the token, service account and password reset pages."""

from datetime import timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.utils import timezone

from aims.forms import BootstrapFormMixin

from . import scopes as scope_rules
from . import services
from .models import ServiceAccount

User = get_user_model()
NEVER = "never"
SCOPE_CHOICES = [("", "No access"), ("read", "Read"), ("write", "Read and write")]


def expiry_choices() -> list[tuple[str, str]]:
    days = sorted({7, 30, 90, 180, 365, services.default_days()} | {services.max_days()})
    choices = [(str(d), f"{d} days") for d in days if d <= services.max_days()]
    if services.no_expiry_allowed():
        choices.append((NEVER, "Never (not recommended)"))
    return choices


class TokenForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(
        max_length=100, help_text="What the token is for, e.g. the integration that uses it."
    )
    expires_in = forms.ChoiceField(label="Expires in", choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expires_in"].choices = expiry_choices()
        self.fields["expires_in"].initial = str(services.default_days())
        for area, label in scope_rules.AREAS.items():
            self.fields[f"scope_{area}"] = forms.ChoiceField(
                label=label,
                choices=SCOPE_CHOICES,
                required=False,
                initial="write",
                widget=forms.Select(attrs={"class": "form-select"}),
            )

    def scope_fields(self):
        return [self[f"scope_{area}"] for area in scope_rules.AREAS]

    def clean(self):
        data = super().clean()
        chosen = {a: data.get(f"scope_{a}") for a in scope_rules.AREAS if data.get(f"scope_{a}")}
        if not chosen:
            raise forms.ValidationError("Give the token read or write access to at least one area.")
        data["scopes"] = chosen
        expires_in = data.get("expires_in")
        if expires_in == NEVER:
            data["expires_at"] = None
        elif expires_in:
            data["expires_at"] = timezone.now() + timedelta(days=int(expires_in))
        return data


class ServiceAccountForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(max_length=100)
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=2000
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True, service_account__isnull=True).order_by(
            "last_name", "first_name", "username"
        ),
        label="Responsible person",
    )
    roles = forms.MultipleChoiceField(
        choices=[(r, r) for r in services.SERVICE_ACCOUNT_ROLES],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="What its tokens may do, at most (a token's scopes narrow it further).",
    )
    is_active = forms.BooleanField(
        required=False, initial=True, label="Active", help_text="Deactivating revokes its tokens."
    )

    def __init__(self, *args, instance: ServiceAccount | None = None, **kwargs):
        self.instance = instance
        super().__init__(*args, **kwargs)
        self.fields["owner"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username} ({u.username})"
        )

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = ServiceAccount.objects.filter(name__iexact=name)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("A service account has this name already.")
        return name


class ResetRequestForm(BootstrapFormMixin, PasswordResetForm):
    """Django's reset request (the same answer whether the address is known or not)."""


class ResetPasswordForm(BootstrapFormMixin, SetPasswordForm):
    """Django's new-password form of the reset link."""
