"""A system's history tab: its own changes and those of every record under it."""

from typing import Any

from aims.history_diff import history_entries

from .models import AISystem, Approval, ChangeRequest, Component, Dataset, ValidationRecord

CHILD_MODELS = (Component, Dataset, Approval, ValidationRecord, ChangeRequest)


def system_history(system: AISystem) -> list[dict[str, Any]]:
    querysets = [AISystem.history.filter(id=system.pk)]
    querysets += [model.history.filter(system_id=system.pk) for model in CHILD_MODELS]
    return history_entries(querysets)
