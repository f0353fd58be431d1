"""The admin's sign-in form, saying why a password is refused in SSO-only mode (the backend
refuses it anyway: aims.signin.Backend)."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.exceptions import ValidationError

from aims.signin import password_refusal


class AdminSignInForm(AdminAuthenticationForm):
    def clean(self):
        reason = password_refusal(self.cleaned_data.get("username"))
        if reason:
            raise ValidationError(reason, code="sso_only")
        return super().clean()
