"""The audit record of sign-ins: one row per sign-in, failure, lockout, refusal and sign-out.

A log, so append-only: written only by aims.signins.services, never changed or deleted by the
app (the admin is read-only), and it needs no field history of its own.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models


class SignInEvent(models.Model):
    class Kind(models.TextChoices):
        SIGNED_IN = "signed_in", "Signed in"
        FAILED = "failed", "Failed sign-in"
        LOCKED_OUT = "locked_out", "Locked out"
        REFUSED_LOCKED = "refused_locked", "Refused: locked out"
        SIGNED_OUT = "signed_out", "Signed out"
        UNLOCKED = "unlocked", "Unlocked"

    class Channel(models.TextChoices):
        BROWSER = "browser", "Browser"
        ADMIN = "admin", "Admin site"
        API = "api", "API token"
        OTHER = "other", "Other"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    # What was typed, whether or not such an account exists.
    username = models.CharField(max_length=150, blank=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="sign_in_events",
    )
    # Who acted on the account (the officer who unlocked it); empty for the account's own events.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    client_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)

    class Meta:
        app_label = "aims"
        ordering = ["-created_at", "-id"]
        permissions = [("unlock_account", "Can unlock an account locked out after failed sign-ins")]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.username} ({self.created_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionDenied("Sign-in events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("Sign-in events are append-only.")

    @property
    def unlock_query(self) -> str:
        """The query string of the unlock page for this event's account."""
        return urlencode({"username": self.username})
