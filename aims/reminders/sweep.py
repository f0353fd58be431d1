"""The daily sweep: every source's due items become in-app notifications, once per record
and stage (see :mod:`aims.reminders.sources` for the keys and the cost); then today's
digests are claimed (:mod:`aims.reminders.digest`)."""

import json
import logging
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from aims.models import Notification, ReminderRule
from aims.reminders.digest import DigestClaim, claim_digests, digest_recipients
from aims.reminders.sources import BATCH, Due, ReminderSource, discover_sources, ensure_rules

logger = logging.getLogger(__name__)
User = get_user_model()

KEY_LENGTH = Notification._meta.get_field("dedupe_key").max_length
SET_VENDORS = ("postgresql", "sqlite")  # whole-category statements (see _existing, _insert)


@dataclass
class SweepResult:
    day: date
    dry_run: bool = False
    due: dict[str, int] = field(default_factory=dict)  # kind -> due items (all recipients)
    created: dict[str, int] = field(default_factory=dict)  # kind -> new notifications
    disabled: list[str] = field(default_factory=list)
    digests: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # kind (or "digests") -> time

    @property
    def total_created(self) -> int:
        return sum(self.created.values())

    def as_dict(self) -> dict:
        return {
            "date": self.day.isoformat(),
            "dry_run": self.dry_run,
            "due": dict(self.due),
            "created": dict(self.created),
            "total_created": self.total_created,
            "disabled": list(self.disabled),
            "digests": self.digests,
        }


def _chunks(items: Iterable, size: int = BATCH) -> Iterator[list]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _candidates(dues: Iterable[Due], today: date, active: set[int]) -> dict[tuple[int, str], Due]:
    """Dues of active people by (recipient, dedupe key); one per person and record stage."""
    return {
        (due.recipient_id, due.dedupe_key(today)[:KEY_LENGTH]): due
        for due in dues
        if due.recipient_id in active
    }


# The sweep's statements take whole categories at once: the rows travel as one JSON parameter,
# unnested by the database (PostgreSQL json_array_elements, SQLite json_each), so a category
# costs the same two statements for ten reminders or fifty thousand, and nothing is compiled
# per row. Other databases fall back to the ORM in batches. Only quoted identifiers and column
# positions are interpolated into the SQL; values are parameters.


def _table() -> str:
    return connection.ops.quote_name(Notification._meta.db_table)


def _json_rows(rows: list[tuple], types: str) -> tuple[str, list[str], list]:
    """``rows`` as a derived table: its FROM item, one SQL expression per column and the
    parameters. ``types`` has a letter per column: ``i`` integer, ``t`` text."""
    if connection.vendor == "postgresql":
        cast = {"i": "::bigint", "t": ""}
        columns = [f"(e ->> {i}){cast[kind]}" for i, kind in enumerate(types)]
        return "json_array_elements(%s::json) AS e", columns, [json.dumps(rows)]
    columns = [f"json_extract(e.value, '$[{i}]')" for i in range(len(types))]
    return "json_each(%s) AS e", columns, [json.dumps(rows)]


def _existing(pairs: list[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which (recipient, dedupe key) pairs already have a notification: one statement that
    probes the unique (recipient, dedupe key) index once per pair."""
    if not pairs:
        return set()
    if connection.vendor not in SET_VENDORS:
        return _existing_in_batches(pairs)
    source, (recipient, key), params = _json_rows(pairs, "it")
    sql = (
        f"SELECT n.recipient_id, n.dedupe_key FROM {source} "  # noqa: S608
        f"JOIN {_table()} n ON n.recipient_id = {recipient} AND n.dedupe_key = {key} "
        # The unique index's own condition, spelt as in its definition: SQLite uses a partial
        # index only for a WHERE term that matches it (with "<>" it probes the recipient's
        # every notification instead)
        "WHERE NOT (n.dedupe_key = '')"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(recipient_id, key) for recipient_id, key in cursor.fetchall()}


def _existing_in_batches(pairs: list[tuple[int, str]]) -> set[tuple[int, str]]:
    found: set[tuple[int, str]] = set()
    for chunk in _chunks(pairs):
        recipients = {r for r, _ in chunk}
        found |= set(
            Notification.objects.filter(
                recipient_id__in=recipients, dedupe_key__in={k for _, k in chunk}
            ).values_list("recipient_id", "dedupe_key")
        ) & set(chunk)
    return found


def _insert(rows: list[tuple[int, str, str, str, int]], body: str, stamp: datetime) -> int:
    """Insert ``(recipient, title, link, dedupe key, claimed 0/1)`` rows sharing ``body``, with
    ``emailed_at = stamp`` on the claimed ones; duplicates of an existing reminder are skipped
    (ON CONFLICT DO NOTHING). Answers the rows inserted."""
    if not rows:
        return 0
    if connection.vendor not in SET_VENDORS:
        notes = [
            Notification(
                recipient_id=r,
                title=t,
                body=body,
                link=link,
                dedupe_key=k,
                emailed_at=stamp if claimed else None,
            )
            for r, t, link, k, claimed in rows
        ]
        Notification.objects.bulk_create(notes, batch_size=BATCH, ignore_conflicts=True)
        return len(rows)
    moment = Notification._meta.get_field("created_at")  # as emailed_at: a DateTimeField
    source, (r, t, link, k, claimed), params = _json_rows(rows, "ittti")
    sql = (
        f"INSERT INTO {_table()} "  # noqa: S608
        "(recipient_id, title, body, link, dedupe_key, emailed_at, created_at) "
        f"SELECT {r}, {t}, %s, {link}, {k}, CASE WHEN {claimed} = 1 THEN %s END, %s "
        # "WHERE true": SQLite's parser would take ON CONFLICT for a join clause without it
        f"FROM {source} WHERE true ON CONFLICT DO NOTHING"
    )
    now = moment.get_db_prep_save(timezone.now(), connection)
    stamp = moment.get_db_prep_save(stamp, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, [body, stamp, now, *params])
        return cursor.rowcount


def _sweep_source(
    source: ReminderSource, today: date, lead_days: int, active: set[int], claim: DigestClaim | None
) -> tuple[int, int]:
    """One category: its due items, and how many of them were new (created unless dry run,
    when there is no ``claim``)."""
    candidates = _candidates(source.collect(today, lead_days), today, active)
    existing = _existing(list(candidates))
    fresh = [(pair, due) for pair, due in candidates.items() if pair not in existing]
    if claim is None or not fresh:
        return len(candidates), len(fresh)
    rows = [
        (
            recipient_id,
            f"{due.title}: {source.phrase(due, today)}"[:200],
            due.link[:300],
            key,
            int(recipient_id in claim.recipients),
        )
        for (recipient_id, key), due in fresh
    ]
    return len(candidates), _insert(rows, source.label, claim.stamp)


def run_sweep(*, today: date | None = None, dry_run: bool = False) -> SweepResult:
    """Notify everyone of what is due, once per record and stage; then queue today's digests.

    Safe to run twice, and twice at the same time: the rule rows are locked for the duration
    (on PostgreSQL), the unique (recipient, dedupe key) constraint refuses duplicates, and a
    user's digest of the day is claimed by the unique DigestLog row.
    """
    today = today or timezone.localdate()
    result = SweepResult(day=today, dry_run=dry_run)
    sources = discover_sources()
    with transaction.atomic():
        if dry_run:
            existing = {rule.kind: rule for rule in ReminderRule.objects.all()}
            claim = None
        else:
            existing = ensure_rules(sources)
            # The sweep lock: a concurrent sweep waits here until this one commits.
            list(ReminderRule.objects.select_for_update().order_by("pk").values_list("pk"))
            recipients = digest_recipients(today).values_list("pk", flat=True)
            claim = DigestClaim(stamp=timezone.now(), recipients=set(recipients))
        active = set(User.objects.filter(is_active=True).values_list("pk", flat=True))
        for source in sources:
            rule = existing.get(source.kind)
            enabled = rule.enabled if rule else True
            lead_days = rule.lead_days if rule else source.default_lead_days
            if not enabled:
                result.disabled.append(source.kind)
                continue
            began = time.perf_counter()
            due, created = _sweep_source(source, today, lead_days, active, claim)
            result.due[source.kind] = due
            result.created[source.kind] = created
            result.seconds[source.kind] = time.perf_counter() - began
        if claim is not None:
            began = time.perf_counter()
            result.digests = claim_digests(today, claim)
            result.seconds["digests"] = time.perf_counter() - began
        began = time.perf_counter()
    # The commit, and the digest emails when they are sent in this process (no broker).
    result.seconds["commit"] = time.perf_counter() - began
    logger.info(
        "Reminder sweep %s%s: %d new notifications, %d digests",
        today,
        " (dry run)" if dry_run else "",
        result.total_created,
        result.digests,
    )
    logger.debug("Reminder sweep seconds by kind: %s", result.seconds)
    return result
