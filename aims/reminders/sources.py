"""Scheduled reminders: the daily sweep over every due date of the AIMS, and the digest email.

Each app may ship ``<app>/reminders.py`` defining ``SOURCES``, a list of
:class:`ReminderSource`; the sweep finds them by module name (as ``load_demo`` finds demo
modules), so aims imports no higher app. A source's ``collect(today, lead_days)`` answers the
:class:`Due` items of its kind whose due date falls on or before ``today + lead_days``, in one
query (or one per table), whatever the number of records.

:func:`run_sweep` turns dues into in-app notifications, each keyed by
``<kind>:<key>:<due date>:<stage>`` where the stage is ``due-soon`` (inside the lead window) or
``overdue`` (past the date): a record is announced once when it enters the window and once
when it becomes overdue, never twice, however often the sweep runs. Sweep notifications are
not emailed one by one: each user gets at most one digest email a day listing them.

Cost: a fixed few statements per category, whatever the number of records (collect, look up
the existing keys of all its candidates at once, insert the new ones at once), and a fixed few
for the digests (see ``benchmarks/reminders.py``): 100,000 records in a few seconds.

This module holds what every app's sources are made of (:class:`Due`, :class:`ReminderSource`,
:func:`url_for`, :func:`horizon`), their discovery and their rules; the sweep is in
:mod:`aims.reminders.sweep`, the digest in :mod:`aims.reminders.digest`, aims' own sources in
:mod:`aims.reminders.own_sources`.
"""

import importlib
import importlib.util
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, transaction
from django.urls import NoReverseMatch, reverse

from aims.history import stamp
from aims.models import ReminderRule

DUE_SOON = "due-soon"
OVERDUE = "overdue"
BATCH = 1000  # rows per statement where the sweep and the digest work in batches


@dataclass(frozen=True, slots=True)
class Due:
    """One reminder for one person: ``key`` identifies the record (and the aspect of it, such
    as an incident's stage) within its kind."""

    recipient_id: int
    kind: str
    title: str
    link: str
    due_date: date
    key: str

    def stage(self, today: date) -> str:
        return OVERDUE if self.due_date < today else DUE_SOON

    def dedupe_key(self, today: date) -> str:
        return f"{self.kind}:{self.key}:{self.due_date.isoformat()}:{self.stage(today)}"


@dataclass(frozen=True)
class ReminderSource:
    """A kind of due date. ``soon`` and ``late`` phrase the date in titles and digests."""

    kind: str
    label: str
    default_lead_days: int
    collect: Callable[[date, int], Iterable[Due]]
    description: str = ""
    soon: str = "due {date}"
    late: str = "overdue since {date}"

    def phrase(self, due: Due, today: date) -> str:
        template = self.late if due.stage(today) == OVERDUE else self.soon
        return template.format(date=f"{due.due_date:%d %b %Y}")


@cache
def discover_sources() -> tuple[ReminderSource, ...]:
    """Every installed app's ``SOURCES``, in app order (lowest layer first)."""
    found: list[ReminderSource] = []
    for config in apps.get_app_configs():
        name = f"{config.name}.reminders"
        if importlib.util.find_spec(name) is None:
            continue
        found.extend(getattr(importlib.import_module(name), "SOURCES", ()))
    kinds = [s.kind for s in found]
    duplicates = sorted({k for k in kinds if kinds.count(k) > 1})
    if duplicates:
        raise ImproperlyConfigured(f"Reminder kinds declared twice: {duplicates}")
    return tuple(found)


def sources_by_kind() -> dict[str, ReminderSource]:
    return {source.kind: source for source in discover_sources()}


def url_for(*names: str) -> Callable[[int], str]:
    """``pk -> path`` of the first named URL that exists, reversed once (not once per row);
    ``pk -> ""`` when none is mounted (the reminder then carries no link)."""
    sentinel = "987654321"
    for name in names:
        try:
            path = reverse(name, args=[int(sentinel)])
        except NoReverseMatch:
            continue
        head, _, tail = path.partition(sentinel)
        return lambda pk, head=head, tail=tail: f"{head}{pk}{tail}"
    return lambda pk: ""


def horizon(today: date, lead_days: int) -> date:
    return today + timedelta(days=lead_days)


# --- Rules ----------------------------------------------------------------------------------


def ensure_rules(
    sources: Iterable[ReminderSource] | None = None, *, history: bool = True
) -> dict[str, ReminderRule]:
    """One rule per source, created with the source's default lead time; officers' edits to
    existing rules are kept. Answers the rules by kind.

    ``history=False`` (used by migrate) writes no history row for the defaults: rows written
    during migrate belong to the migrated state, which test databases snapshot and reload,
    and history rows may never be rewritten. Every later change is recorded as usual.
    """
    sources = tuple(discover_sources() if sources is None else sources)
    rules = {rule.kind: rule for rule in ReminderRule.objects.all()}
    for source in sources:
        if source.kind in rules:
            continue
        rule = ReminderRule(
            kind=source.kind, label=source.label, lead_days=source.default_lead_days
        )
        rule.full_clean(validate_unique=False)
        stamp(rule, actor=None, reason="Reminder rule created with its default lead time")
        rule.skip_history_when_saving = not history
        try:
            with transaction.atomic():
                rule.save()
        except IntegrityError:  # a concurrent sweep or migrate created it first
            rule = ReminderRule.objects.get(kind=source.kind)
        rules[rule.kind] = rule
    return rules
