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

This module also holds aims' own sources: policy reviews, evidence expiry, corrective actions
and training expiry.
"""

import importlib
import importlib.util
import json
import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from itertools import islice

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from aims.history import stamp
from aims.models import (
    CorrectiveAction,
    DigestLog,
    Evidence,
    Notification,
    Policy,
    ReminderRule,
    TrainingRecord,
    format_reference,
)

logger = logging.getLogger(__name__)
User = get_user_model()

DUE_SOON = "due-soon"
OVERDUE = "overdue"
BATCH = 1000
KEY_LENGTH = Notification._meta.get_field("dedupe_key").max_length
SET_VENDORS = ("postgresql", "sqlite")  # whole-category statements (see _existing, _insert)
DIGEST_ITEMS_PER_KIND = 50  # a longer group ends with "and N more" and a link to the list


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


# --- The sweep ------------------------------------------------------------------------------


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


@dataclass
class _Claim:
    """Today's digest claim: who gets one, and the ``emailed_at`` stamp of what it lists.
    New reminders of these people are inserted already stamped (no second write)."""

    stamp: datetime
    recipients: set[int]


def _digest_recipients(today: date):
    """Active people with an email address who have not had today's digest yet."""
    return (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .exclude(pk__in=DigestLog.objects.filter(day=today).values("recipient_id"))
    )


def _sweep_source(
    source: ReminderSource, today: date, lead_days: int, active: set[int], claim: _Claim | None
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
            recipients = _digest_recipients(today).values_list("pk", flat=True)
            claim = _Claim(stamp=timezone.now(), recipients=set(recipients))
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
            result.digests = _claim_digests(today, claim)
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


# --- The digest -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DigestItem:
    """What a digest shows of one notification (what :func:`digest_groups` reads)."""

    pk: int
    created_at: datetime
    title: str
    link: str
    dedupe_key: str


class _LocalDigests:
    """Digests claimed by a sweep and sent by this same process (tasks run eagerly, without a
    broker): their users and items were read by the claim, in two queries for everyone, and
    every email goes through one mail connection instead of one per person."""

    def __init__(self, day: date, items: dict[int, list[DigestItem]]) -> None:
        self.day = day
        self.items = items
        self.users = {
            user.pk: user
            for user in User.objects.filter(pk__in=list(items), is_active=True).exclude(email="")
        }
        self._connection = None

    def connection(self):
        if self._connection is None:
            self._connection = get_connection()
            self._connection.open()  # kept open across messages until close()
        return self._connection

    def close(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # a broken connection is being discarded anyway
                logger.warning("Closing the digest mail connection failed", exc_info=True)
            self._connection = None


_local_digests: ContextVar[_LocalDigests | None] = ContextVar("local_digests", default=None)


def _claim_digests(today: date, claim: _Claim) -> int:
    """Decide who gets today's digest and what it lists, inside the sweep's transaction.

    A digest lists the user's sweep notifications not yet emailed and not yet read in the
    app. Users without an email address, or who already had today's digest, get none (their
    items wait in the app, and for tomorrow's digest). This sweep's new reminders of the
    others were inserted with the claim's stamp; older ones still waiting get it here. The
    emails go after commit.
    """
    (
        Notification.objects.exclude(dedupe_key="")
        .filter(emailed_at__isnull=True, read_at__isnull=True)
        .filter(recipient_id__in=_digest_recipients(today).values("pk"))
        .update(emailed_at=claim.stamp)
    )
    claimed = Notification.objects.exclude(dedupe_key="").filter(emailed_at=claim.stamp)
    items: dict[int, list[DigestItem]] = defaultdict(list)
    for recipient_id, *item in claimed.order_by("recipient_id", "pk").values_list(
        "recipient_id", "pk", "created_at", "title", "link", "dedupe_key"
    ):
        items[recipient_id].append(DigestItem(*item))
    if not items:
        return 0
    DigestLog.objects.bulk_create(
        [DigestLog(recipient_id=r, day=today, item_count=len(notes)) for r, notes in items.items()],
        batch_size=BATCH,
        ignore_conflicts=True,
    )

    from aims.tasks import send_reminder_digest

    def queue() -> None:
        local = (
            _LocalDigests(today, items) if send_reminder_digest.app.conf.task_always_eager else None
        )
        token = _local_digests.set(local)
        try:
            for recipient_id, notes in items.items():
                try:
                    ids = [note.pk for note in notes]
                    send_reminder_digest.delay(recipient_id, today.isoformat(), ids)
                except Exception:  # one user's failed email must not hold back the others'
                    logger.exception("Digest for user %s could not be sent", recipient_id)
        finally:
            _local_digests.reset(token)
            if local is not None:
                local.close()

    transaction.on_commit(queue)
    return len(items)


@dataclass
class DigestGroup:
    label: str
    items: list[dict]
    more: int = 0


def digest_groups(notes: Iterable[Notification | DigestItem]) -> list[DigestGroup]:
    """Notifications grouped by kind, in the order of the sources; absolute links."""
    order = {source.kind: i for i, source in enumerate(discover_sources())}
    labels = {source.kind: source.label for source in discover_sources()}
    grouped: dict[str, list[Notification | DigestItem]] = defaultdict(list)
    for note in notes:
        grouped[note.dedupe_key.split(":", 1)[0]].append(note)
    groups = []
    for kind in sorted(grouped, key=lambda k: (order.get(k, len(order)), k)):
        notes_of_kind = grouped[kind]
        items = [
            {
                "title": note.title,
                "url": f"{settings.AIMS_BASE_URL}{note.link}" if note.link else "",
            }
            for note in notes_of_kind[:DIGEST_ITEMS_PER_KIND]
        ]
        groups.append(
            DigestGroup(
                label=labels.get(kind, "Other reminders"),
                items=items,
                more=max(0, len(notes_of_kind) - DIGEST_ITEMS_PER_KIND),
            )
        )
    return groups


def digest_send(*, recipient_id: int, day: date, notification_ids: Iterable[int]) -> bool:
    """Email one user's digest of ``day``; False when there is nobody or nothing to send.

    When the sweep of this process claimed the digest (no broker), the user and the items it
    read are used and the mail connection is shared; otherwise both are read here.
    """
    local = _local_digests.get()
    if local is not None and local.day == day and recipient_id in local.items:
        user = local.users.get(recipient_id)
        wanted = set(notification_ids)
        notes = sorted(
            (note for note in local.items[recipient_id] if note.pk in wanted),
            key=lambda note: (note.created_at, note.pk),
        )
        connection = local.connection() if user is not None and notes else None
    else:
        local = None
        user = User.objects.filter(pk=recipient_id, is_active=True).exclude(email="").first()
        if user is None:
            return False
        notes = list(
            Notification.objects.filter(pk__in=list(notification_ids), recipient=user).order_by(
                "created_at", "id"
            )
        )
        connection = None
    if user is None or not notes:
        return False
    message = _digest_message(user, day, notes, connection)
    try:
        message.send()
    except Exception:
        if local is not None:
            local.close()  # the next message opens a fresh connection
        raise
    return True


def _digest_message(user, day: date, notes: list, connection) -> EmailMultiAlternatives:
    context = {
        "user": user,
        "day": day,
        "count": len(notes),
        "groups": digest_groups(notes),
        "notifications_url": f"{settings.AIMS_BASE_URL}{reverse('aims:notification_list')}",
    }
    subject = f"[AIMS] {len(notes)} reminder{'s' if len(notes) != 1 else ''} for {day:%d %b %Y}"
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("reminders/digest_email.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[user.email],
        connection=connection,
    )
    message.attach_alternative(
        render_to_string("reminders/digest_email.html", context), "text/html"
    )
    return message


# --- aims' own sources ----------------------------------------------------------------------


def policy_reviews(today: date, lead_days: int) -> Iterator[Due]:
    link = url_for("ms:policy_detail")
    rows = Policy.objects.filter(next_review_date__lte=horizon(today, lead_days)).values_list(
        "pk", "title", "owner_id", "next_review_date"
    )
    for pk, title, owner_id, due_date in rows:
        reference = format_reference(Policy.REFERENCE_PREFIX, pk)
        yield Due(
            owner_id, "policy-review", f"Review of {reference} {title}", link(pk), due_date, str(pk)
        )


def evidence_expiring(today: date, lead_days: int) -> Iterator[Due]:
    link = url_for("evidence:evidence_detail")
    rows = Evidence.objects.filter(
        superseded_at__isnull=True, valid_until__lte=horizon(today, lead_days)
    ).values_list("pk", "title", "owner_id", "valid_until")
    for pk, title, owner_id, due_date in rows:
        reference = format_reference(Evidence.REFERENCE_PREFIX, pk)
        yield Due(owner_id, "evidence-expiry", f"{reference} {title}", link(pk), due_date, str(pk))


def corrective_actions_due(today: date, lead_days: int) -> Iterator[Due]:
    link = url_for("capa:capa_detail")
    done = (CorrectiveAction.Status.VERIFIED, CorrectiveAction.Status.CLOSED)
    rows = (
        CorrectiveAction.objects.exclude(status__in=done)
        .filter(due_date__lte=horizon(today, lead_days))
        .values_list("pk", "title", "owner_id", "due_date")
    )
    for pk, title, owner_id, due_date in rows:
        reference = format_reference(CorrectiveAction.REFERENCE_PREFIX, pk)
        yield Due(owner_id, "capa-due", f"{reference} {title}", link(pk), due_date, str(pk))


def training_expiring(today: date, lead_days: int) -> Iterator[Due]:
    """The latest record of each person and course, when it expires inside the window (an
    older record superseded by a newer completion is no reason to remind anyone)."""
    try:
        path = reverse("competence:my_training")
    except NoReverseMatch:
        path = ""
    newer = TrainingRecord.objects.filter(user=OuterRef("user"), course=OuterRef("course")).filter(
        Q(completed_on__gt=OuterRef("completed_on"))
        | Q(completed_on=OuterRef("completed_on"), pk__gt=OuterRef("pk"))
    )
    rows = (
        TrainingRecord.objects.filter(
            expires_on__lte=horizon(today, lead_days), course__is_active=True
        )
        .exclude(Exists(newer))
        .values_list("pk", "user_id", "expires_on", "course__title")
    )
    for pk, user_id, due_date, course in rows:
        yield Due(user_id, "training-expiry", f"Your training '{course}'", path, due_date, str(pk))


SOURCES = [
    ReminderSource(
        "policy-review",
        "Policy reviews",
        30,
        policy_reviews,
        "A policy's next review date, to the policy owner.",
    ),
    ReminderSource(
        "evidence-expiry",
        "Evidence expiring",
        30,
        evidence_expiring,
        "The end of validity of current evidence (not superseded versions), to its owner.",
        soon="valid until {date}",
        late="expired after {date}",
    ),
    ReminderSource(
        "capa-due",
        "Corrective actions due",
        7,
        corrective_actions_due,
        "The due date of corrective actions not yet verified or closed, to the action owner.",
    ),
    ReminderSource(
        "training-expiry",
        "Training expiring",
        30,
        training_expiring,
        "The expiry of each person's latest completion of an active course, to that person.",
        soon="valid until {date}",
        late="expired after {date}",
    ),
]
