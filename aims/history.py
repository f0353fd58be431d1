"""Helpers that keep the audit trail honest: who acted, and why, on every write."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db.models import Model
from django.utils import timezone
from simple_history.models import HistoricalRecords


def stamp(obj: Model, *, actor, reason: str) -> Model:
    """Tell django-simple-history who makes the next save of ``obj`` and why.

    Set explicitly in every service so tasks and commands, which have no request, still
    record the acting user. The same stamp names the actor and reason of the many-to-many
    changes made on ``obj`` afterwards, so stamp before ``.set()/.add()/.remove()``.
    """
    obj._history_user = actor
    prefix = _reason_prefix.get()
    obj._change_reason = f"{prefix}: {reason}" if prefix and reason else (prefix or reason)
    return obj


#: Why every write in the block happens, besides each service's own reason (an import).
_reason_prefix: ContextVar[str] = ContextVar("history_reason_prefix", default="")


@contextmanager
def history_reason(prefix: str) -> Iterator[None]:
    """Within the block, every history reason a service stamps starts with ``prefix``
    ("Import IMP-0003: Use-case intake submitted"): the services stay the ones forms call,
    and the history says which import made each change."""
    token = _reason_prefix.set(prefix)
    try:
        yield
    finally:
        _reason_prefix.reset(token)


def save_with_history(obj: Model, *, actor, reason: str) -> Model:
    """Validate ``obj`` (``full_clean``: a bad value is a ValidationError with field errors,
    never a database error), stamp who saves it and why, and save it: the one way services
    write a record, so every write leaves a history row that names its author."""
    obj.full_clean()
    stamp(obj, actor=actor, reason=reason)
    obj.save()
    return obj


class HistoryWithRelations(HistoricalRecords):
    """``HistoricalRecords`` whose ``m2m_fields`` changes are recorded from either side.

    simple-history writes a "~" row of the parent (and a snapshot of its relations) when the
    relation changes through the parent's manager. Two gaps are closed here:

    - A change made from the other side (``course.required_by.add(responsibility)``) names
      the other record as ``instance``; simple-history would write history for the wrong
      model. Here each parent affected gets its own row, stamped like the record acted on.
    - Adding links that already exist, removing absent ones or clearing an empty relation
      changes nothing, so it writes nothing, instead of a "~" row with no difference.
    """

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs: Any) -> None:
        if hasattr(instance, "skip_history_when_saving"):
            return
        flag = f"_history_unlinking_{attr}"
        if action in ("pre_remove", "pre_clear"):
            # What a remove or clear deletes is only knowable before it runs.
            instance.__dict__[flag] = _linked(instance, attr, pk_set, reverse, kwargs["model"])
            return
        if action in ("post_remove", "post_clear"):
            pk_set = instance.__dict__.pop(flag, set())
        elif action != "post_add":
            return
        if not pk_set:  # Django's add() already leaves out links that exist
            return
        if not reverse:
            super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
            return
        for parent in kwargs["model"]._default_manager.filter(pk__in=pk_set):
            for attribute in ("_history_user", "_change_reason"):
                if hasattr(instance, attribute):
                    setattr(parent, attribute, getattr(instance, attribute))
            super().m2m_changed(parent, action, attr, {instance.pk}, False, **kwargs)


def _linked(instance, attr: str, pk_set, reverse: bool, other_model) -> set:
    """Ids on the other side of the links of ``instance`` that exist, among ``pk_set`` (all
    of them when None, as for a clear)."""
    field = (other_model if reverse else type(instance))._meta.get_field(attr)
    mine, theirs = field.m2m_field_name(), field.m2m_reverse_field_name()
    if reverse:
        mine, theirs = theirs, mine
    links = field.remote_field.through._default_manager.filter(**{mine: instance})
    if pk_set is not None:
        links = links.filter(**{f"{theirs}_id__in": pk_set})
    return set(links.values_list(f"{theirs}_id", flat=True))


BASELINE_REASON = "Links on record when the history of relations began"
_HISTORY_COLUMNS = {"history_id", "history_date", "history_change_reason", "history_type"}


def record_relation_baseline(apps, app_label: str, model_name: str, fields: list[str]) -> int:
    """Data-migration step: one "~" history row (no user, ``BASELINE_REASON``) with the links
    of ``fields`` as they stand, for each ``model_name`` record that has any.

    Without it, the first recorded change of a record linked before its relations had
    history would be read against an empty snapshot, and every older link would show as
    added by whoever made that change. Uses the migration's historical ``apps`` only.
    """
    model = apps.get_model(app_label, model_name)
    historical = apps.get_model(app_label, f"Historical{model_name}")
    columns = [
        f
        for f in historical._meta.concrete_fields
        if f.name not in _HISTORY_COLUMNS and f.name != "history_user"
    ]
    linked: set[int] = set()
    for name in fields:
        through = model._meta.get_field(name).remote_field.through
        parent = model._meta.get_field(name).m2m_field_name()
        linked.update(through._default_manager.values_list(f"{parent}_id", flat=True))
    now = timezone.now()
    for obj in model._default_manager.filter(pk__in=linked).order_by("pk"):
        row = historical._default_manager.create(
            history_date=now,
            history_type="~",
            history_change_reason=BASELINE_REASON,
            **{f.attname: _stored(getattr(obj, f.attname)) for f in columns},
        )
        for name in fields:
            _snapshot_links(apps, app_label, model, obj, row, name)
    return len(linked)


def _snapshot_links(apps, app_label: str, model, obj, row, name: str) -> None:
    field = model._meta.get_field(name)
    through = field.remote_field.through
    snapshot = apps.get_model(app_label, f"Historical{model.__name__}_{name}")
    links = through._default_manager.filter(**{field.m2m_field_name(): obj})
    snapshot._default_manager.bulk_create(
        snapshot(
            history=row,
            **{f.attname: getattr(link, f.attname) for f in through._meta.concrete_fields},
        )
        for link in links
    )


def _stored(value: Any) -> Any:
    # A file field's history column holds the file's name, not the file.
    return value.name if hasattr(value, "storage") else value
