"""Helpers the inventory services share: the object permissions that follow a system's owner,
the link to a system's page, and the closing of change requests still in release review
(when a system retires, or when its release gate decides them)."""

from django.urls import reverse
from guardian.shortcuts import assign_perm, remove_perm

from aims.history import save_with_history

from ..models import AISystem, ChangeRequest, LifecycleStage, RiskTier

Stage = LifecycleStage
# "Unclassified" ranks with low: it asks nothing of its own at the gates, so a system released
# unclassified has passed no medium or high requirement, and its first classification as
# medium or high is a rise like any other (one classified low passed all a low tier asks,
# bar the classification it now has).
TIER_RANK = {
    RiskTier.UNCLASSIFIED: 1,
    RiskTier.LOW: 1,
    RiskTier.MEDIUM: 2,
    RiskTier.HIGH: 3,
    RiskTier.PROHIBITED: 4,
}
OWNER_OBJECT_PERMS = ("inventory.view_aisystem", "inventory.change_aisystem")


def _grant_owner(system: AISystem, user) -> None:
    for perm in OWNER_OBJECT_PERMS:
        assign_perm(perm, user, system)


def _revoke_owner(system: AISystem, user) -> None:
    for perm in OWNER_OBJECT_PERMS:
        remove_perm(perm, user, system)


def tier_rose(previous: str, tier: str) -> bool:
    return previous in TIER_RANK and TIER_RANK.get(tier, 0) > TIER_RANK[previous]


def released_tier(system: AISystem) -> str | None:
    """The tier the system last stood at while deployed: the one its production version
    passed the release gate under (None if it was never deployed)."""
    return (
        system.history.filter(lifecycle_stage=Stage.DEPLOYED)
        .order_by("-history_date", "-history_id")
        .values_list("risk_tier", flat=True)
        .first()
    )


def system_url(system: AISystem) -> str:
    return reverse("inventory:system_detail", args=[system.pk])


def _close_pending_changes(actor, system: AISystem, status: str, reason: str) -> None:
    """Close the changes waiting on the release gate (and, when the system retires, those
    still proposed). The caller saves ``system`` afterwards: a change the release gate
    refused has its values put back on it, and a passed release clears the reason the gate
    was reopened."""
    from .changes import revert_change

    waiting = [ChangeRequest.Status.IN_RELEASE_REVIEW]
    if status in (ChangeRequest.Status.RELEASED, ChangeRequest.Status.WITHDRAWN):
        waiting.append(ChangeRequest.Status.APPLIED)
    if status == ChangeRequest.Status.WITHDRAWN:
        waiting.append(ChangeRequest.Status.PROPOSED)
    for change in ChangeRequest.objects.filter(system=system, status__in=waiting):
        if status == ChangeRequest.Status.REJECTED:
            revert_change(
                actor=actor,
                change=change,
                system=system,
                why=f"Change {change.reference} refused at the release gate: values put back",
            )
        change.status = status
        save_with_history(change, actor=actor, reason=reason)
    if status == ChangeRequest.Status.RELEASED:
        system.reopened_reason = ""
