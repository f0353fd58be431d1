"""The webhook events of the inventory (aims.webhooks): a system created, its lifecycle stage
changed, a gate decided, its risk tier changed (by a classification). Services call these
after their write, in their transaction."""

from django.conf import settings
from django.urls import reverse

from aims.webhooks.events import Event
from aims.webhooks.services import emit

from .models import AISystem, Approval


def system_ref(system: AISystem) -> dict:
    path = reverse("inventory:system_detail", args=[system.pk])
    return {"id": system.pk, "reference": system.reference, "name": system.name,
            "url": f"{settings.AIMS_BASE_URL}{path}"}  # fmt: skip


def system_created(system: AISystem) -> None:
    emit(Event.SYSTEM_CREATED,
         lambda: {"system": system_ref(system), "stage": system.lifecycle_stage})  # fmt: skip


def stage_changed(system: AISystem, from_stage: str) -> None:
    """Emitted only when the stage did change (an approval short of the quorum leaves it)."""
    if from_stage == system.lifecycle_stage:
        return
    emit(Event.SYSTEM_STAGE_CHANGED, lambda: {
        "system": system_ref(system), "from_stage": from_stage,
        "to_stage": system.lifecycle_stage,
    })  # fmt: skip


def gate_decided(system: AISystem, approval: Approval) -> None:
    emit(Event.GATE_DECIDED, lambda: {
        "system": system_ref(system), "gate": approval.gate, "decision": approval.decision,
        "approval_id": approval.pk, "decided_by": approval.approver.get_username(),
    })  # fmt: skip


def tier_changed(system: AISystem, from_tier: str) -> None:
    emit(Event.CLASSIFICATION_CHANGED, lambda: {
        "system": system_ref(system), "from_tier": from_tier, "to_tier": system.risk_tier,
    })  # fmt: skip
