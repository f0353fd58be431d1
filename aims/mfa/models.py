"""The record of an officer's reset of a person's second factors (append-only: a log needs no
history of its own)."""

from django.conf import settings
from django.db import models


class MFAReset(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="mfa_resets"
    )
    reset_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reset_at = models.DateTimeField(auto_now_add=True, db_index=True)
    # What was removed, in words ("authenticator app, 1 security key, recovery codes").
    removed = models.CharField(max_length=200)
    reason = models.TextField(max_length=1000)
    # Whose address asked (aims.client_ip), for the record.
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        app_label = "aims"
        ordering = ["-reset_at", "-id"]
        default_permissions = ("view", "add")
        verbose_name = "MFA reset"

    def __str__(self) -> str:
        return f"MFA reset of {self.user} by {self.reset_by} at {self.reset_at:%Y-%m-%d %H:%M}"
