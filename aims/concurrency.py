"""No lost updates: optimistic concurrency for every edited record, one mechanism for all apps.

A record's **version** is the id of its newest history row. Every write of a tracked record
leaves a history row (``aims.history.save_with_history``), history ids only grow, and on
PostgreSQL sealing serialises history writes (``audits.trail.chain.lock_chain``), so the newest
id names the state a reader saw without a column of its own. A record with no history yet
(bulk-seeded before it had any) is at version 0.

An edit carries the version it was loaded at: the hidden ``record_version`` field of every
edit form (``aims.view_helpers.forms``) or, in the API, ``If-Match: "<version>"`` (the ETag of
the detail GET) or a ``record_version`` in the body (``aims.api.views``). The write runs inside
:func:`editing`: one transaction that locks the record's row (``select_for_update``), compares
the version and then lets the service save. A second writer waits on the lock and, once the
first has committed, finds the version moved: it is refused with :class:`StaleVersion`, whose
message and ``extra`` say what changed since (the history rows in between: fields, old and new
values in words, who and when). Two stale writes can never both pass.

An edit that carries no version is not checked (scripts and clients written before versions
existed keep working); browsers always send one.
"""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Model
from django.template.defaultfilters import truncatechars

from .errors import BusinessRuleError, Code
from .people import display_name

#: The name of the version in forms and API bodies (not ``version``: evidence items have a
#: version number of their own).
VERSION_FIELD = "record_version"
_VALUE_WIDTH = 80  # old and new values in a refusal's message are cut to this many characters
_ETAG = re.compile(r'^\s*(?:W/)?"?(\d{1,18})"?\s*$')


class StaleVersion(BusinessRuleError):
    """The record changed since the edit was loaded (HTTP 412 in the API; the form page
    shows it as a conflict). ``extra``: ``current_version``, ``your_version``,
    ``changed_fields`` (names) and ``changes`` (one entry per history row since)."""

    status_code = 412
    default_code = Code.STALE_VERSION

    def __init__(self, message: str, *, lines: list[str], extra: dict[str, Any]):
        super().__init__(message, code=Code.STALE_VERSION, extra=extra)
        #: The changes in words, one line per change, for the form page.
        self.lines = lines


class BadVersion(ValueError):
    """A version that is not one (garbage, negative, tampered): a 400 with a field error."""


def is_versioned(record: Any) -> bool:
    """Whether ``record`` is a saved, history-tracked record an edit can be checked against."""
    return (
        isinstance(record, Model)
        and record.pk is not None
        and hasattr(type(record), "history")
        and hasattr(type(record).history, "model")
    )


def _history(record: Model):
    return type(record).history.model._default_manager.filter(
        **{type(record)._meta.pk.attname: record.pk}
    )


def current_version(record: Model) -> int:
    """The id of the record's newest history row (0 when it has none): one indexed query."""
    return _history(record).aggregate(newest=Max("history_id"))["newest"] or 0


def parse_version(value: Any) -> int | None:
    """A version from a form, a body or an ``If-Match`` header (``"12"``, ``W/"12"``, 12).
    ``None`` or ``""`` is no version; ``*`` (any version) is no check either. Anything else
    that is not a non-negative whole number raises :class:`BadVersion`."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise BadVersion(value)
    if isinstance(value, int):
        if value < 0:
            raise BadVersion(value)
        return value
    if not isinstance(value, str):
        raise BadVersion(value)
    if value.strip() == "*":
        return None
    # If-Match may list several tags: the edit is current if any of them is.
    tags = [tag for tag in value.split(",") if tag.strip()]
    matches = [_ETAG.match(tag) for tag in tags]
    if not tags or not all(matches):
        raise BadVersion(value)
    versions = [int(match.group(1)) for match in matches]
    return versions[0] if len(versions) == 1 else max(versions)


def etag(version: int) -> str:
    return f'"{version}"'


def changes_since(record: Model, version: int) -> list[dict[str, Any]]:
    """The record's history entries (``aims.history_diff``) newer than ``version``, oldest
    first, each diffed against the row before it. Reads from the last row the editor saw,
    so the cost does not grow with the record's whole history."""
    from .history_diff import history_entries  # the diff helper imports the models

    base = _history(record).filter(history_id__lte=version).aggregate(seen=Max("history_id"))
    rows = _history(record).filter(history_id__gte=base["seen"] or 0)
    return [
        entry
        for entry in history_entries([rows], newest_first=False)
        if entry["history_id"] > version
    ]


def _when(value) -> str:
    from .templatetags.aims_ui import when_text  # template filters load after the apps

    return when_text(value)


def _said(value: Any) -> str:
    return "(empty)" if value in (None, "") else f"“{truncatechars(str(value), _VALUE_WIDTH)}”"


def describe(entries: list[dict[str, Any]]) -> list[str]:
    """One line per change in words: "Known risks: “old” → “new” (changed by Olivia Officer,
    5 Dec 2026, 10:42)"."""
    from django.contrib.auth import get_user_model

    ids = {entry["history_user_id"] for entry in entries} - {None}
    users = get_user_model()._default_manager.in_bulk(ids) if ids else {}
    lines = []
    for entry in entries:
        who = display_name(users.get(entry["history_user_id"])) or "the system"
        by = f"{entry['history_type_display'].lower()} by {who}, {_when(entry['history_date'])}"
        if entry["history_change_reason"]:
            by += f": {entry['history_change_reason']}"
        if not entry["changes"]:
            lines.append(f"{entry['object_label']} {by}.")
        for change in entry["changes"]:
            if "summary" in change:  # linked records: what was added and removed
                lines.append(f"{change['label']}: {change['summary']} ({by}).")
            else:
                said = f"{_said(change['old'])} → {_said(change['new'])}"
                lines.append(f"{change['label']}: {said} ({by}).")
    return lines


def stale(record: Model, version: int) -> StaleVersion:
    """The refusal of an edit loaded at ``version`` of a record that has moved on."""
    entries = changes_since(record, version)
    lines = describe(entries)
    fields = sorted({change["field"] for entry in entries for change in entry["changes"]})
    now = max((entry["history_id"] for entry in entries), default=current_version(record))
    label = entries[-1]["object_label"] if entries else str(record)
    message = (
        f"{label} was changed by someone else after you loaded it, so your save was refused "
        "to keep their change. What changed since is listed here; your input is kept: "
        "review it and save again to apply it."
    )
    extra = {
        "current_version": now,
        "your_version": version,
        "changed_fields": fields,
        "changes": [
            {
                "version": entry["history_id"],
                "type": entry["history_type_display"],
                "by": entry["history_user"],
                "at": entry["history_date"].isoformat(),
                "reason": entry["history_change_reason"] or "",
                "fields": [
                    {k: change.get(k) for k in ("field", "label", "old", "new")}
                    for change in entry["changes"]
                ],
            }
            for entry in entries
        ],
    }
    return StaleVersion(message, lines=lines, extra=extra)


def check_version(record: Model, version: int | None) -> None:
    """Lock the record's row until the transaction ends and refuse (:class:`StaleVersion`)
    when it is no longer at ``version``. Call inside ``transaction.atomic()``, before the
    write, so the check and the write are one step for every other writer."""
    if version is None or not is_versioned(record):
        return
    model = type(record)
    # The lock first, then the version: a writer that got in first has committed by the time
    # the lock is ours, and its history row is visible to the next statement.
    locked = list(
        model._base_manager.select_for_update().filter(pk=record.pk).values_list("pk", flat=True)
    )
    if not locked:
        return  # deleted meanwhile: the service's own lookup answers as for any missing record
    now = current_version(record)
    if version > now:  # never a version of this record: made up, not stale
        raise ValidationError(
            {VERSION_FIELD: "Not a version of this record: reload it and enter your change again."}
        )
    if now != version:
        raise stale(record, version)


@contextmanager
def editing(record: Any, version: int | None) -> Iterator[None]:
    """One transaction around an edit of ``record`` loaded at ``version``: the row is locked
    and the version compared before the body (the service call) writes. Without a version,
    the body runs unchecked (see the module docstring)."""
    with transaction.atomic():
        check_version(record, version)
        yield
