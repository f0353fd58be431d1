"""Which claim or group value of a single sign-on grants which AIMS role."""

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from aims.roles import ROLES

from .config import NEVER_MAPPED

MAPPABLE_ROLES = [role for role in ROLES if role not in NEVER_MAPPED]


class RoleMapping(models.Model):
    """A person whose SSO sign-in carries ``claim`` with ``value`` (one of its values, when the
    claim is a list such as ``groups``) holds ``role``. Each role named by a mapping is managed
    by single sign-on: it is granted or removed at every SSO sign-in (aims.sso.services)."""

    provider = models.CharField(
        max_length=200,
        blank=True,
        help_text="The provider id (for example oidc or saml); empty: every provider.",
    )
    claim = models.CharField(
        max_length=200,
        help_text="Claim (OIDC) or attribute (SAML) name, for example groups or roles.",
    )
    value = models.CharField(max_length=500, help_text="The value that grants the role.")
    role = models.CharField(max_length=50, choices=[(r, r) for r in MAPPABLE_ROLES])
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        app_label = "aims"
        ordering = ["provider", "claim", "value", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "claim", "value", "role"], name="one_sso_role_mapping"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider or 'any provider'}: {self.claim}={self.value} -> {self.role}"

    def clean(self) -> None:
        if self.role in NEVER_MAPPED or self.role not in MAPPABLE_ROLES:
            raise ValidationError({"role": "This role is never granted through single sign-on."})
