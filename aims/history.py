"""Helpers that keep the audit trail honest: who acted, and why, on every write."""

from typing import Any

from django.db.models import Model
from simple_history.models import HistoricalRecords


def stamp(obj: Model, *, actor, reason: str) -> Model:
    """Tell django-simple-history who makes the next save of ``obj`` and why.

    Set explicitly in every service so tasks and commands, which have no request, still
    record the acting user. The same stamp names the actor and reason of the many-to-many
    changes made on ``obj`` afterwards, so stamp before ``.set()/.add()/.remove()``.
    """
    obj._history_user = actor
    obj._change_reason = reason
    return obj


class HistoryWithRelations(HistoricalRecords):
    """``HistoricalRecords`` whose ``m2m_fields`` changes are recorded from either side.

    simple-history writes a "~" row of the parent (and a snapshot of its relations) when the
    relation changes through the parent's manager. Two gaps are closed here:

    - A change made from the other side (``course.required_by.add(responsibility)``) names
      the other record as ``instance``; simple-history would write history for the wrong
      model. Here each parent affected gets its own row, stamped like the record acted on.
    - Adding links that already exist (or removing absent ones) changes nothing, so it
      writes nothing, instead of a "~" row with no difference.
    """

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs: Any) -> None:
        if not reverse:
            if action in ("post_add", "post_remove") and not pk_set:
                return
            super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
            return
        parent_model = kwargs["model"]
        field = parent_model._meta.get_field(attr)
        if action == "pre_clear":
            # Which parents lose their link is only knowable before the clear.
            through = field.remote_field.through
            instance._history_cleared_parents = set(
                through._default_manager.filter(
                    **{field.m2m_reverse_field_name(): instance}
                ).values_list(f"{field.m2m_field_name()}_id", flat=True)
            )
            return
        if action == "post_clear":
            pk_set = instance.__dict__.pop("_history_cleared_parents", set())
        elif action not in ("post_add", "post_remove"):
            return
        for parent in parent_model._default_manager.filter(pk__in=pk_set or ()):
            for attribute in ("_history_user", "_change_reason"):
                if hasattr(instance, attribute):
                    setattr(parent, attribute, getattr(instance, attribute))
            super().m2m_changed(parent, action, attr, {instance.pk}, False, **kwargs)
