"""SCIM provisioning records: the identity provider's credentials, the link between an account
and the provider's identifiers, the provider's groups and the append-only log of what SCIM did.

The first three change only through aims.scim.services, and every such change (by a client or
by an administrator in the admin) is written to :class:`ScimEvent`: that business-event log is
their history (who, when, what), so they carry no django-simple-history of their own (the
history battery's API-shaped checks do not apply to SCIM, which has its own protocol).
"""

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from aims.roles import APPROVER, AUDITOR, OFFICER, OWNER

#: The roles a SCIM group may grant. The certification auditor's role is not among them: its
#: time-boxed accounts come only from the certification workflow (audits.certification.access).
GRANTABLE_ROLES = (OFFICER, APPROVER, OWNER, AUDITOR)
ROLE_CHOICES = [(role, role) for role in GRANTABLE_ROLES]

TOKEN_PREFIX = "scim_"  # noqa: S105 - the visible prefix of a token, not a secret


def hash_token(token: str) -> str:
    """SHA-256 of a bearer token. The tokens are 256-bit random strings, so a fast hash is
    enough (nothing to brute-force); only the hash is stored."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


class ScimClient(models.Model):
    """An identity provider allowed to provision accounts, with its bearer token (hashed).

    One per provider, so each change is attributed to a named provider and a token is revoked
    without touching the others. Created by administrators in the admin or with
    ``manage.py scim_client``; the token is shown once, at creation.
    """

    name = models.CharField(max_length=100, unique=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    # The first characters of the token, so an administrator can tell tokens apart.
    token_hint = models.CharField(max_length=16, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)

    class Meta:
        app_label = "aims"
        ordering = ["name"]
        verbose_name = "SCIM client"

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ScimIdentity(models.Model):
    """A user's identity at the provider: its ``externalId``, and the roles SCIM granted it
    (only those are removed by SCIM: a role given in AIMS by hand stays)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scim_identity"
    )
    external_id = models.CharField(max_length=255, blank=True, db_index=True)
    # The client that first provisioned or adopted the account.
    client = models.ForeignKey(
        ScimClient, on_delete=models.PROTECT, null=True, blank=True, related_name="identities"
    )
    # True when SCIM created the account (it has no usable password: sign-in is by SSO).
    provisioned = models.BooleanField(default=False)
    granted_roles = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "aims"
        ordering = ["user_id"]
        verbose_name = "SCIM identity"
        verbose_name_plural = "SCIM identities"

    def __str__(self) -> str:
        return f"{self.user} ({self.external_id or 'no externalId'})"


class ScimGroup(models.Model):
    """A group of the identity provider. Its members hold ``role`` (if any) while they are in
    it. The role is set from ``AIMS_SCIM_GROUP_ROLES`` when the provider creates or renames the
    group, and administrators may change it in the admin. Removed groups are kept (the log
    names them), hidden from SCIM."""

    display_name = models.CharField(max_length=255)
    external_id = models.CharField(max_length=255, blank=True, db_index=True)
    role = models.CharField(max_length=50, choices=ROLE_CHOICES, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="scim_groups"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    removed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        app_label = "aims"
        ordering = ["display_name", "id"]
        verbose_name = "SCIM group"
        constraints = [
            models.UniqueConstraint(
                fields=["display_name"],
                condition=Q(removed_at__isnull=True),
                name="scim_group_unique_display_name",
            )
        ]

    def __str__(self) -> str:
        return self.display_name


class ScimEvent(models.Model):
    """What SCIM did, when, through which client: an append-only log (no history of its own).
    Written only by aims.scim.services."""

    class Operation(models.TextChoices):
        USER_CREATE = "user_create", "User created"
        USER_UPDATE = "user_update", "User updated"
        USER_DEACTIVATE = "user_deactivate", "User deactivated"
        USER_REACTIVATE = "user_reactivate", "User reactivated"
        GROUP_CREATE = "group_create", "Group created"
        GROUP_UPDATE = "group_update", "Group updated"
        GROUP_REMOVE = "group_remove", "Group removed"
        MEMBER_ADD = "member_add", "Member added"
        MEMBER_REMOVE = "member_remove", "Member removed"
        ROLE_GRANT = "role_grant", "Role granted"
        ROLE_REMOVE = "role_remove", "Role removed"
        GROUP_ROLE_CHANGE = "group_role_change", "Group role changed (admin)"
        CLIENT_CREATE = "client_create", "Client created"
        CLIENT_REVOKE = "client_revoke", "Client revoked"

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    client = models.ForeignKey(
        ScimClient, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    # Set when an administrator acted (a group's role changed in the admin), not a client.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    operation = models.CharField(max_length=32, choices=Operation.choices)
    target_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scim_events",
    )
    target_group = models.ForeignKey(
        ScimGroup, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    summary = models.TextField(max_length=2000)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        app_label = "aims"
        ordering = ["-created_at", "-id"]
        verbose_name = "SCIM event"

    def __str__(self) -> str:
        return f"{self.get_operation_display()}: {self.summary[:60]}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("SCIM events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("SCIM events are append-only.")
