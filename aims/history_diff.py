"""Readable history: who changed what, and why, diffed from django-simple-history rows.

One helper for the API and the HTML history tab. It takes the historical querysets to show
(a system's own rows, its child records' rows...), reads each with one query (plus one per
many-to-many relation the model records), diffs consecutive rows of the same object in Python,
and resolves every user id it meets (the acting user, user foreign keys and linked users) with
one more query, and the other records it names (foreign keys, linked records, the parent of
a record that has no reference of its own) with one query per model. The cost does not grow
per row. A long history is read a page at a time through :class:`HistoryPages` (the rows
shown and the one before each record's first, never the whole history). Everything shown is
in words: references and titles, labels, people's names; a record deleted since reads
"RSK-0002 (deleted)" or "a deleted supplier", never a database id.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Field, IntegerField, Model, OuterRef, Q, QuerySet, Subquery, Value
from django.utils.text import capfirst

from .models import format_reference
from .people import display_name

HISTORY_TYPES = {"+": "Created", "~": "Changed", "-": "Deleted"}
# Bookkeeping that changes on every save and says nothing to a reader.
DEFAULT_EXCLUDED_FIELDS = frozenset({"id", "created_at", "updated_at"})


def history_entries(
    historical_querysets: Iterable[QuerySet],
    *,
    excluded_fields: Iterable[str] = DEFAULT_EXCLUDED_FIELDS,
    newest_first: bool = True,
) -> list[dict[str, Any]]:
    """One dict per history row, across all querysets, ordered by date.

    Each querysets must hold whole histories of its objects (filter by object, not by date):
    a row's changes are computed against the previous row of the same object. Each entry::

        {model, model_name, object_id, object_reference, object_repr, history_id,
         history_type ("+", "~", "-"), history_type_display, history_date,
         history_user_id, history_user, history_change_reason,
         changes: [{field, label, old, new}]}

    ``object_label`` names the record as people know it: "AIS-0003 Loan scoring", or for a
    record with no reference of its own its kind and parent ("Classification of AIS-0003
    Loan scoring"). Field labels are verbose names, choice values their labels, people their
    display names and foreign keys the record's reference (AIS-0001), else its code, title or
    name. A many-to-many change
    also lists the records linked (``added``) and unlinked (``removed``) by reference, code,
    title or username, never by database id, and ``summary`` reads "added RSK-0003; removed
    RSK-0001"; its ``old`` and ``new`` are the whole sets, comma-separated.
    """
    sources = [(queryset, list(queryset.order_by()), None) for queryset in historical_querysets]
    entries = _entries(sources, set(excluded_fields))
    entries.sort(key=lambda e: (e["history_date"], e["history_id"]), reverse=newest_first)
    return entries


class HistoryPages(Sequence):
    """The entries of ``history_entries`` read a page at a time, for a paginator (Django's
    ``Paginator``, DRF's page-number pagination): ``count()`` is one query, and a slice reads
    only the rows shown plus, for each record on the page, the row before its first one on
    the page (to diff it), two queries per history table present on the page. Neither cost
    grows with the length of the history; a record with a thousand changes shows its newest
    page as fast as one with three.

    Entries come in the order of ``history_entries`` (date, then history id; newest first
    unless ``newest_first`` is False), ties between tables broken by the order of the
    querysets, so a page boundary never moves between two requests.
    """

    def __init__(
        self,
        historical_querysets: Iterable[QuerySet],
        *,
        excluded_fields: Iterable[str] = DEFAULT_EXCLUDED_FIELDS,
        newest_first: bool = True,
    ) -> None:
        self.querysets = [qs.order_by() for qs in historical_querysets]
        self.excluded = set(excluded_fields)
        self.newest_first = newest_first
        self._count: int | None = None

    def _keys(self) -> QuerySet:
        """(source, history_date, history_id) of every row, in one compound query."""
        keyed = [
            qs.annotate(_source=Value(i, output_field=IntegerField())).values_list(
                "_source", "history_date", "history_id"
            )
            for i, qs in enumerate(self.querysets)
        ]
        union = keyed[0].union(*keyed[1:], all=True) if len(keyed) > 1 else keyed[0]
        sign = "-" if self.newest_first else ""
        return union.order_by(f"{sign}history_date", f"{sign}history_id", "_source")

    def count(self) -> int:
        if self._count is None:
            self._count = self._keys().count() if self.querysets else 0
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, int):
            found = self[index : index + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        if index.step not in (None, 1):
            raise ValueError("History pages are read in contiguous slices.")
        if not self.querysets:
            return []
        window = list(self._keys()[index])
        shown: dict[int, list[int]] = defaultdict(list)
        for source, _date, history_id in window:
            shown[source].append(history_id)
        sources = [
            (qs, _with_previous(qs, ids), set(ids))
            for i, qs in enumerate(self.querysets)
            if (ids := shown.get(i))
        ]
        entries = _entries(sources, self.excluded)
        position = {(self.querysets[s].model, h): n for n, (s, _d, h) in enumerate(window)}
        entries.sort(key=lambda e: position[(e.pop("_historical_model"), e["history_id"])])
        return entries


def _with_previous(queryset: QuerySet, history_ids: list[int]) -> list:
    """The rows ``history_ids`` of ``queryset`` and, for each record among them, the row just
    before its oldest one (what that row's changes are diffed against; the others' are among
    the rows): two queries, the second looking back once per record, not once per row."""
    model = queryset.model.instance_type
    pk = model._meta.pk.attname
    rows = list(queryset.filter(history_id__in=history_ids))
    oldest: dict[Any, Any] = {}
    for row in rows:
        key = (row.history_date, row.history_id)
        if getattr(row, pk) not in oldest or key < oldest[getattr(row, pk)][0]:
            oldest[getattr(row, pk)] = (key, row.history_id)
    earlier = Q(history_date__lt=OuterRef("history_date")) | Q(
        history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")
    )
    previous = (
        queryset.filter(earlier, **{pk: OuterRef(pk)})
        .order_by("-history_date", "-history_id")
        .values("history_id")[:1]
    )
    firsts = queryset.filter(history_id__in=[h for _key, h in oldest.values()])
    rows += queryset.filter(
        history_id__in=firsts.annotate(previous_id=Subquery(previous)).values("previous_id")
    )
    return rows


def _entries(sources: list[tuple[QuerySet, list, set | None]], excluded: set) -> list[dict]:
    """Entries of the rows of each source (queryset, its rows, the history ids to show, or
    None for all): each row diffed against the previous row of the same record among its
    source's rows (a row not shown serves only as that previous row)."""
    raw: list[tuple[dict[str, Any], list[tuple[Field, Any, Any]]]] = []
    user_model = get_user_model()
    user_ids: set[int] = set()
    # Records linked or unlinked by a many-to-many change, by model, named once at the end.
    targets: dict[type[Model], set[int]] = defaultdict(set)

    for queryset, source_rows, shown in sources:
        historical_model = queryset.model
        model = historical_model.instance_type
        fields = [f for f in historical_model.tracked_fields if f.name not in excluded]
        relations = [f for f in historical_model._history_m2m_fields if f.name not in excluded]
        if shown is not None:  # only the rows read, not the whole queryset
            queryset = historical_model._default_manager.filter(
                history_id__in=[row.history_id for row in source_rows]
            )
        links = {field: _links(historical_model, field, queryset) for field in relations}
        pk_attname = model._meta.pk.attname
        by_object: dict[Any, list] = defaultdict(list)
        for row in source_rows:
            by_object[getattr(row, pk_attname)].append(row)
        for object_id, rows in by_object.items():
            rows.sort(key=lambda r: (r.history_date, r.history_id))
            previous = None
            for row in rows:
                if shown is not None and row.history_id not in shown:
                    previous = row
                    continue
                changes: list[tuple[Field, Any, Any]] = []
                if row.history_type == "~" and previous is not None:
                    for field in fields:
                        old = getattr(previous, field.attname)
                        new = getattr(row, field.attname)
                        if _comparable(old) != _comparable(new):
                            changes.append((field, old, new))
                            if field.is_relation:
                                targets[field.related_model].update(
                                    v for v in (old, new) if v is not None
                                )
                    for field, linked in links.items():
                        old = linked.get(previous.history_id, frozenset())
                        new = linked.get(row.history_id, frozenset())
                        if old != new:
                            changes.append((field, old, new))
                            targets[field.related_model].update(old ^ new)
                if row.history_user_id is not None:
                    user_ids.add(row.history_user_id)
                entry = _entry(model, object_id, row)
                if shown is not None:
                    entry["_historical_model"] = historical_model
                if entry["parent"] is not None:
                    targets[entry["parent"][0]].add(entry["parent"][1])
                raw.append((entry, changes))
                previous = row

    user_ids.update(targets.pop(user_model, set()))
    users = user_model._default_manager.in_bulk(user_ids) if user_ids else {}
    usernames = {pk: user.get_username() for pk, user in users.items()}
    names, titles = _target_names(targets)
    names[user_model] = {pk: display_name(user) for pk, user in users.items()}
    entries = []
    for entry, changes in raw:
        entry["history_user"] = usernames.get(entry["history_user_id"])
        entry["object_label"] = _object_label(entry, entry.pop("parent"), names, titles)
        entry["changes"] = [
            _relation_change(field, old, new, names[field.related_model])
            if field.many_to_many
            else _field_change(field, old, new, names)
            for field, old, new in changes
        ]
        entries.append(entry)
    return entries


def _field_change(field: Field, old: Any, new: Any, names: dict) -> dict:
    return {
        "field": field.name,
        "label": capfirst(str(field.verbose_name)),
        "old": _render(field, old, names),
        "new": _render(field, new, names),
    }


def _relation_change(field: Field, old: frozenset, new: frozenset, names: dict) -> dict:
    def named(ids) -> list[str]:
        return sorted(names.get(pk) or _deleted(field.related_model, pk) for pk in ids)

    added, removed = named(new - old), named(old - new)
    parts = ([f"added {', '.join(added)}"] if added else []) + (
        [f"removed {', '.join(removed)}"] if removed else []
    )
    return {
        "field": field.name,
        "label": capfirst(str(field.verbose_name)),
        "old": ", ".join(named(old)) or None,
        "new": ", ".join(named(new)) or None,
        "added": added,
        "removed": removed,
        "summary": "; ".join(parts),
    }


def _links(historical_model, field: Field, queryset: QuerySet) -> dict[int, frozenset]:
    """For each history row of ``queryset``: the ids linked through ``field`` at that moment
    (simple-history's snapshot rows), read in one query."""
    m2m_model = getattr(historical_model, field.name).model
    target = f"{field.m2m_reverse_field_name()}_id"
    found: dict[int, set] = defaultdict(set)
    rows = m2m_model._default_manager.filter(history_id__in=queryset.values("history_id"))
    for history_id, target_id in rows.values_list("history_id", target):
        found[history_id].add(target_id)
    return {history_id: frozenset(ids) for history_id, ids in found.items()}


Names = dict[type[Model], dict[Any, str]]


def _target_names(targets: dict[type[Model], set[int]]) -> tuple[Names, Names]:
    """How people know each record named: its reference, else its code, title or name (one
    query per model), and the title or name of those that have a reference. Records deleted
    since are absent: callers say so in words."""
    names: Names = defaultdict(dict)
    titles: Names = defaultdict(dict)
    for model, ids in targets.items():
        prefix = getattr(model, "REFERENCE_PREFIX", "")
        for obj in model._default_manager.filter(pk__in=ids):
            names[model][obj.pk] = format_reference(prefix, obj.pk) if prefix else _name(obj)
            if prefix:
                titles[model][obj.pk] = str(getattr(obj, "name", "") or getattr(obj, "title", ""))
    return names, titles


def _name(obj: Model) -> str:
    if isinstance(obj, ContentType):
        model = obj.model_class()
        return capfirst(str(model._meta.verbose_name)) if model else obj.model
    label = getattr(obj, "code", None) or getattr(obj, "title", None)
    return str(label or getattr(obj, "name", None) or obj)


def _deleted(model: type[Model], pk: Any) -> str:
    prefix = getattr(model, "REFERENCE_PREFIX", "")
    if prefix:
        return f"{format_reference(prefix, pk)} (deleted)"
    return f"a deleted {model._meta.verbose_name}"


def _entry(model, object_id, row) -> dict[str, Any]:
    prefix = getattr(model, "REFERENCE_PREFIX", "")
    label = getattr(row, "name", None) or getattr(row, "title", None) or ""
    return {
        "model": model._meta.label_lower,
        "model_name": capfirst(str(model._meta.verbose_name)),
        "object_id": object_id,
        "object_reference": format_reference(prefix, object_id) if prefix else "",
        "object_repr": str(label),
        "history_id": row.history_id,
        "history_type": row.history_type,
        "history_type_display": HISTORY_TYPES.get(row.history_type, row.history_type),
        "history_date": row.history_date,
        "history_user_id": row.history_user_id,
        "history_change_reason": row.history_change_reason or "",
        "parent": None if prefix or label else _parent(model, row),
    }


def _parent(model, row) -> tuple[type[Model], Any] | None:
    """The record a reference-less record belongs to (a classification's system, a treatment
    action's risk): its first foreign key to a record that has a reference."""
    for field in model._meta.concrete_fields:
        linked = field.many_to_one or field.one_to_one
        if linked and getattr(field.related_model, "REFERENCE_PREFIX", ""):
            value = getattr(row, field.attname, None)
            if value is not None:
                return field.related_model, value
    return None


def _object_label(entry: dict, parent, names: Names, titles: Names) -> str:
    if entry["object_reference"]:
        return " ".join(filter(None, [entry["object_reference"], entry["object_repr"]]))
    if entry["object_repr"]:
        return entry["object_repr"]
    if parent is None:
        return entry["model_name"]
    model, pk = parent
    parent_name = names[model].get(pk) or _deleted(model, pk)
    title = titles[model].get(pk)
    return f"{entry['model_name']} of {parent_name}{' ' + title if title else ''}"


def _comparable(value: Any) -> Any:
    # File fields come back as FieldFile objects; compare their stored names.
    return getattr(value, "name", value) if hasattr(value, "storage") else value


def _render(field: Field, value: Any, names: Names) -> Any:
    if value is None or value == "":
        return None
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        return names[field.related_model].get(value) or _deleted(field.related_model, value)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | float | str):
        return value
    if isinstance(value, list | dict):
        return _words(value)
    return str(_comparable(value))


def _words(value: Any) -> str:
    """Structured values (JSON lists of rows) as a line people read, not Python syntax."""
    if isinstance(value, list):
        return "; ".join(_words(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{str(k).replace('_', ' ')}: {_words(v)}" for k, v in value.items())
    return str(value)


def record_history(obj: Model, *, limit: int = 20) -> list[dict[str, Any]]:
    """The newest ``limit`` entries of one record's own history, diffed like the history tabs
    (field changes and relations linked or unlinked)."""
    entries = history_entries([obj.history.all()])[:limit]
    for entry in entries:
        for change in entry["changes"]:
            # Field changes get the one-line form relation changes already have.
            change.setdefault("summary", f"{_shown(change['old'])} → {_shown(change['new'])}")
    return entries


def _shown(value: Any) -> str:
    return "∅" if value is None else str(value)
