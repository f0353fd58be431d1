"""A system's history tab: its own changes and those of every record under it."""

from aims.history_diff import HistoryPages

from .models import AISystem, Approval, ChangeRequest, Component, Dataset, ValidationRecord

CHILD_MODELS = (Component, Dataset, Approval, ValidationRecord, ChangeRequest)


def system_history(system: AISystem) -> HistoryPages:
    """Newest first, read a page (a slice) at a time: a system's history runs to thousands
    of rows, and a page reads only the rows it shows."""
    querysets = [AISystem.history.filter(id=system.pk)]
    querysets += [model.history.filter(system_id=system.pk) for model in CHILD_MODELS]
    return HistoryPages(querysets)
