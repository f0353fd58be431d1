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

This module also holds aims' own sources: policy reviews, evidence expiry, corrective actions
and training expiry.
"""

import importlib
import importlib.util
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from itertools import islice

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from .history import stamp
from .models import (
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
        (due.recipient_id, due.dedupe_key(today)): due for due in dues if due.recipient_id in active
    }


def _existing(pairs: list[tuple[int, str]]) -> set[tuple[int, str]]:
    """Which (recipient, dedupe key) pairs already have a notification.

    A join on a VALUES list probes the unique index once per pair; the ORM's alternatives
    (``recipient IN .. AND key IN ..``, or one OR branch per person) probe the cross product
    or take longer to plan than to run, at tens of thousands of reminders.
    """
    table = connection.ops.quote_name(Notification._meta.db_table)
    rows = ", ".join(["(%s, %s)"] * len(pairs))
    # Only placeholders and the quoted table name are interpolated; values are parameters.
    sql = (
        f"SELECT n.recipient_id, n.dedupe_key FROM {table} n "  # noqa: S608
        f"JOIN (VALUES {rows}) AS v ON n.recipient_id = v.column1 AND n.dedupe_key = v.column2 "
        "WHERE n.dedupe_key <> ''"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for pair in pairs for value in pair])
        return {(recipient_id, key) for recipient_id, key in cursor.fetchall()}


def _new_only(candidates: dict[tuple[int, str], Due]) -> list[tuple[tuple[int, str], Due]]:
    """The candidates no earlier sweep created, checked in batches."""
    fresh = []
    for chunk in _chunks(candidates.items()):
        existing = _existing([pair for pair, _ in chunk])
        fresh += [item for item in chunk if item[0] not in existing]
    return fresh


def _notification(source: ReminderSource, key: str, due: Due, today: date) -> Notification:
    return Notification(
        recipient_id=due.recipient_id,
        title=f"{due.title}: {source.phrase(due, today)}"[:200],
        body=source.label,
        link=due.link[:300],
        dedupe_key=key[:200],
    )


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
        else:
            existing = ensure_rules(sources)
            # The sweep lock: a concurrent sweep waits here until this one commits.
            list(ReminderRule.objects.select_for_update().order_by("pk").values_list("pk"))
        active = set(User.objects.filter(is_active=True).values_list("pk", flat=True))
        for source in sources:
            rule = existing.get(source.kind)
            enabled = rule.enabled if rule else True
            lead_days = rule.lead_days if rule else source.default_lead_days
            if not enabled:
                result.disabled.append(source.kind)
                continue
            candidates = _candidates(source.collect(today, lead_days), today, active)
            fresh = _new_only(candidates)
            result.due[source.kind] = len(candidates)
            result.created[source.kind] = len(fresh)
            if not dry_run:
                Notification.objects.bulk_create(
                    (_notification(source, key, due, today) for (_, key), due in fresh),
                    batch_size=BATCH,
                    ignore_conflicts=True,
                )
        if not dry_run:
            result.digests = _claim_digests(today)
    logger.info(
        "Reminder sweep %s%s: %d new notifications, %d digests",
        today,
        " (dry run)" if dry_run else "",
        result.total_created,
        result.digests,
    )
    return result


# --- The digest -----------------------------------------------------------------------------


def _claim_digests(today: date) -> int:
    """Decide who gets today's digest and what it lists, inside the sweep's transaction.

    A digest lists the user's sweep notifications not yet emailed and not yet read in the
    app. Users without an email address, or who already had today's digest, get none (their
    items wait in the app, and for tomorrow's digest). The emails go after commit.
    """
    pending = (
        Notification.objects.exclude(dedupe_key="")
        .filter(emailed_at__isnull=True, read_at__isnull=True, recipient__is_active=True)
        .exclude(recipient__email="")
        .exclude(recipient_id__in=DigestLog.objects.filter(day=today).values("recipient_id"))
    )
    by_recipient: dict[int, list[int]] = defaultdict(list)
    for recipient_id, pk in pending.order_by("recipient_id", "pk").values_list(
        "recipient_id", "pk"
    ):
        by_recipient[recipient_id].append(pk)
    if not by_recipient:
        return 0
    # The same rows as read above (the sweep lock is held); before the DigestLog rows exist,
    # which the query excludes.
    pending.update(emailed_at=timezone.now())
    DigestLog.objects.bulk_create(
        [
            DigestLog(recipient_id=r, day=today, item_count=len(ids))
            for r, ids in by_recipient.items()
        ],
        batch_size=BATCH,
        ignore_conflicts=True,
    )

    from .tasks import send_reminder_digest

    def queue() -> None:
        for recipient_id, ids in by_recipient.items():
            try:
                send_reminder_digest.delay(recipient_id, today.isoformat(), ids)
            except Exception:  # one user's failed email must not hold back the others'
                logger.exception("Digest for user %s could not be sent", recipient_id)

    transaction.on_commit(queue)
    return len(by_recipient)


@dataclass
class DigestGroup:
    label: str
    items: list[dict]
    more: int = 0


def digest_groups(notes: Iterable[Notification]) -> list[DigestGroup]:
    """Notifications grouped by kind, in the order of the sources; absolute links."""
    order = {source.kind: i for i, source in enumerate(discover_sources())}
    labels = {source.kind: source.label for source in discover_sources()}
    grouped: dict[str, list[Notification]] = defaultdict(list)
    for note in notes:
        grouped[note.dedupe_key.split(":", 1)[0]].append(note)
    groups = []
    for kind in sorted(grouped, key=lambda k: (order.get(k, len(order)), k)):
        items = [
            {
                "title": note.title,
                "url": f"{settings.AIMS_BASE_URL}{note.link}" if note.link else "",
            }
            for note in grouped[kind]
        ]
        groups.append(
            DigestGroup(
                label=labels.get(kind, "Other reminders"),
                items=items[:DIGEST_ITEMS_PER_KIND],
                more=max(0, len(items) - DIGEST_ITEMS_PER_KIND),
            )
        )
    return groups


def digest_send(*, recipient_id: int, day: date, notification_ids: Iterable[int]) -> bool:
    """Email one user's digest of ``day``; False when there is nobody or nothing to send."""
    user = User.objects.filter(pk=recipient_id, is_active=True).exclude(email="").first()
    if user is None:
        return False
    notes = list(
        Notification.objects.filter(pk__in=list(notification_ids), recipient=user).order_by(
            "created_at", "id"
        )
    )
    if not notes:
        return False
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
    )
    message.attach_alternative(
        render_to_string("reminders/digest_email.html", context), "text/html"
    )
    message.send()
    return True


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
