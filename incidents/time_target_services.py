"""Writes of the incident time targets: the hours per severity to acknowledge, contain and
resolve an incident. Governance officers change them; every change is validated by the
model (field errors), recorded in history with who and why, and takes effect at once (the
cached targets are cleared)."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from aims.history import save_with_history
from aims.permissions import has_perm, require

from .models import TARGET_STAGES, IncidentTimeTarget, clear_time_targets_cache

CHANGE_PERMISSION = "incidents.change_incidenttimetarget"
TARGET_FIELDS = tuple(f"{stage}_hours" for stage in TARGET_STAGES)


def can_change_time_targets(user) -> bool:
    return has_perm(user, CHANGE_PERMISSION)


def _changes(target: IncidentTimeTarget, data: Mapping[str, Any]) -> list[str]:
    return [
        f"{field.removesuffix('_hours')} {getattr(target, field)} -> {data[field]} h"
        for field in TARGET_FIELDS
        if field in data and getattr(target, field) != data[field]
    ]


@transaction.atomic
def time_target_update(
    *, actor, target: IncidentTimeTarget, data: Mapping[str, Any], note: str = ""
) -> IncidentTimeTarget:
    """Change some of the hours of one severity; ``note`` says why (optional).

    Unchanged values write nothing. Refused: a user without the change permission (403), an
    unknown field, hours outside 1..8760 or out of order (field errors, nothing saved).
    """
    require(
        actor, CHANGE_PERMISSION, message="Only governance officers change incident time targets."
    )
    unknown = sorted(set(data) - set(TARGET_FIELDS))
    if unknown:
        raise ValidationError({field: ["This field cannot be changed."] for field in unknown})
    target = IncidentTimeTarget.objects.select_for_update().get(pk=target.pk)
    changes = _changes(target, data)
    if not changes:
        return target
    for field in TARGET_FIELDS:
        if field in data:
            setattr(target, field, data[field])
    target.updated_by = actor
    reason = f"Time targets of {target.severity.upper()} changed: {', '.join(changes)}"
    if note.strip():
        reason += f". Why: {note.strip()}"
    save_with_history(target, actor=actor, reason=reason)
    # Now for this process; again at commit, so no other process caches the old rows
    # between this clear and the commit.
    clear_time_targets_cache()
    transaction.on_commit(clear_time_targets_cache)
    return target
