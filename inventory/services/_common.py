"""Helpers the inventory services share: the object permissions that follow a system's owner,
the link to a system's page, and the closing of change requests still in release review
(when a system retires, or when its release gate decides them)."""

from django.urls import reverse
from guardian.shortcuts import assign_perm, remove_perm

from aims.history import save_with_history

from ..models import AISystem, ChangeRequest, LifecycleStage

Stage = LifecycleStage
OWNER_OBJECT_PERMS = ("inventory.view_aisystem", "inventory.change_aisystem")


def _grant_owner(system: AISystem, user) -> None:
    for perm in OWNER_OBJECT_PERMS:
        assign_perm(perm, user, system)


def _revoke_owner(system: AISystem, user) -> None:
    for perm in OWNER_OBJECT_PERMS:
        remove_perm(perm, user, system)


def system_url(system: AISystem) -> str:
    return reverse("inventory:system_detail", args=[system.pk])


def _close_pending_changes(actor, system: AISystem, status: str, reason: str) -> None:
    for change in ChangeRequest.objects.filter(
        system=system, status=ChangeRequest.Status.IN_RELEASE_REVIEW
    ):
        change.status = status
        save_with_history(change, actor=actor, reason=reason)
