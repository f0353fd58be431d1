"""Helpers that keep the audit trail honest: who acted, and why, on every write."""

from django.db.models import Model


def stamp(obj: Model, *, actor, reason: str) -> Model:
    """Tell django-simple-history who makes the next save of ``obj`` and why.

    Set explicitly in every service so tasks and commands, which have no request, still
    record the acting user.
    """
    obj._history_user = actor
    obj._change_reason = reason
    return obj
