"""Helpers the risk services share: the check before writing a system's risk records (the
model permission, the right to change this system, and a closed system's records stay as
they were), the refusal of unknown fields, and today's date."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from aims.errors import TransitionNotAllowed
from aims.permissions import require
from inventory.models import AISystem, LifecycleStage

from ..errors import Code

CLOSED = (LifecycleStage.RETIRED, LifecycleStage.REJECTED)


def _require_system_write(actor, system: AISystem, perm: str) -> AISystem:
    """The model permission through a role, and the right to change this system (owners on
    their own systems); closed systems keep their records as they were."""
    require(actor, perm)
    require(actor, "inventory.change_aisystem", system, "You may not change this system's risks.")
    system = AISystem.objects.get(pk=system.pk)
    if system.lifecycle_stage in CLOSED:
        raise TransitionNotAllowed(
            f"The system is {system.get_lifecycle_stage_display().lower()}: its records are "
            "closed.",
            code=Code.SYSTEM_CLOSED,
        )
    return system


def _reject_unknown(data: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError({key: ["Unknown field."] for key in sorted(unknown)})


def today() -> date:
    return timezone.localdate()
