"""The events found by the daily sweep rather than raised by a write: a corrective action or an
incident overdue, the readiness for certification changed. Run right after the reminder sweep,
in a transaction of their own, by the daily task (``aims.tasks.run_reminder_sweep``, also
behind "run the sweep now") and by ``manage.py run_reminders``: announced at most once a day,
at the time of the reminders, and never on a dry run.

Each app may ship ``<app>/webhook_events.py`` with ``SWEEP_CHECKS``, the event each of its
checks raises -> the check, a function ``(today, now) -> events raised``; they are found by
module name (as reminder sources are), so aims imports no higher app. aims' own check, overdue
corrective actions, is here. A check runs only while an active subscription chose its event:
a sweep with no such subscription costs one query.

Once only: an overdue event is keyed by the record, its clock and its due moment
(:func:`claim_once`); the key is inserted with ON CONFLICT DO NOTHING, so a second sweep, or a
concurrent one (which waits on the first one's uncommitted row, then finds it), raises
nothing. A due date that moves makes a new key: the record is announced again when it becomes
overdue against its new date. An episode is announced to the subscriptions there are when a
sweep first finds it; the first subscription to an event hears, at its first sweep, of the
records overdue then. A watched figure (:func:`record_change`) keeps the value last announced
under its key.
"""

import importlib
import importlib.util
import logging
from collections.abc import Callable, Iterable
from datetime import date, datetime
from functools import cache

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from aims.models import CorrectiveAction

from .events import Event
from .models import WebhookEventMark
from .services import emit, subscribed_events

logger = logging.getLogger(__name__)

Check = Callable[[date, datetime], int]
#: Keys per INSERT statement (well under SQLite's limit of bound parameters).
CHUNK = 400
_UNCHANGED = object()


def claim_once(keys: Iterable[str]) -> set[str]:
    """The keys this call is the first to claim (inserted now); those claimed before, by an
    earlier sweep or a concurrent one, are left out. One statement per chunk of keys."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return set()
    known = set(WebhookEventMark.objects.filter(key__in=keys).values_list("key", flat=True))
    # Sorted: concurrent sweeps take the rows in one order, so they wait, never deadlock.
    fresh = sorted(k for k in keys if k not in known)
    claimed: set[str] = set()
    for start in range(0, len(fresh), CHUNK):
        claimed |= _insert_new(fresh[start : start + CHUNK])
    return claimed


def _insert_new(keys: list[str], value: dict | None = None) -> set[str]:
    """INSERT ... ON CONFLICT DO NOTHING RETURNING: one statement answers which rows it
    wrote (a row a concurrent transaction holds is waited for, then skipped)."""
    if connection.vendor not in ("postgresql", "sqlite"):
        return {k for k in keys if _insert_one(k, value)}
    meta, quote = WebhookEventMark._meta, connection.ops.quote_name
    now = meta.get_field("created_at").get_db_prep_save(timezone.now(), connection)
    stored = meta.get_field("value").get_db_prep_save(value, connection)
    columns = ", ".join(quote(c) for c in ("key", "value", "created_at", "updated_at"))
    rows = ", ".join(["(%s, %s, %s, %s)"] * len(keys))
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES {rows} "  # noqa: S608
        f"ON CONFLICT ({quote('key')}) DO NOTHING RETURNING {quote('key')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [v for k in keys for v in (k, stored, now, now)])
        return {row[0] for row in cursor.fetchall()}


def _insert_one(key: str, value: dict | None) -> bool:
    try:
        with transaction.atomic():
            WebhookEventMark.objects.create(key=key, value=value)
    except IntegrityError:
        return False
    return True


def record_change(key: str, value: dict) -> dict | None | object:
    """Keep ``value`` as the last one announced under ``key``. Answers the previous value
    when it differs (the caller raises the event), ``None`` the first time (a baseline: there
    is no change to announce yet), or ``_UNCHANGED``. The row is locked until the caller's
    transaction ends, so two sweeps announce one change once. Two statements."""
    mark = WebhookEventMark.objects.select_for_update().filter(key=key).first()
    if mark is None:
        if _insert_new([key], value):
            return None
        mark = WebhookEventMark.objects.select_for_update().get(key=key)  # a concurrent first
    if mark.value == value:
        return _UNCHANGED
    previous = mark.value
    WebhookEventMark.objects.filter(pk=mark.pk).update(value=value, updated_at=timezone.now())
    return previous


def changed(previous: object) -> bool:
    return previous is not _UNCHANGED and previous is not None


# --- aims' own check: corrective actions ----------------------------------------------------


def capa_ref(action: CorrectiveAction) -> dict:
    path = reverse("capa:capa_detail", args=[action.pk])
    return {
        "id": action.pk, "reference": action.reference, "title": action.title,
        "status": action.status, "due_date": action.due_date.isoformat(),
        "owner": action.owner.get_username(), "url": f"{settings.AIMS_BASE_URL}{path}",
    }  # fmt: skip


def corrective_actions_overdue(today: date, now: datetime) -> int:
    """Each corrective action past its due date and not done, once per due date (the one
    rule of overdue: ``CorrectiveAction.overdue_q``)."""
    rows = CorrectiveAction.objects.filter(CorrectiveAction.overdue_q(today)).values_list(
        "pk", "due_date"
    )
    keys = {f"{Event.CAPA_OVERDUE}:{pk}:{due.isoformat()}": pk for pk, due in rows}
    claimed = [keys[k] for k in claim_once(keys)]
    actions = CorrectiveAction.objects.filter(pk__in=claimed).select_related("owner")
    for action in actions.order_by("pk"):
        emit(Event.CAPA_OVERDUE, lambda action=action: {
            "corrective_action": capa_ref(action),
            "days_overdue": (today - action.due_date).days,
        })  # fmt: skip
    return len(claimed)


# --- The run ----------------------------------------------------------------------------------


@cache
def discover_checks() -> tuple[tuple[str, Check], ...]:
    """(event, check): aims' own, then every installed app's ``webhook_events.SWEEP_CHECKS``
    in app order."""
    found: list[tuple[str, Check]] = [(Event.CAPA_OVERDUE, corrective_actions_overdue)]
    for config in apps.get_app_configs():
        name = f"{config.name}.webhook_events"
        if importlib.util.find_spec(name) is None:
            continue
        found.extend(getattr(importlib.import_module(name), "SWEEP_CHECKS", {}).items())
    return tuple(found)


def run_checks(*, today: date | None = None, now: datetime | None = None) -> dict[str, int]:
    """Every check whose event someone subscribes to, in one transaction (or savepoint):
    events raised by check name, sent once it commits. If one fails, all are rolled back and
    logged (the next sweep finds them again); the caller goes on."""
    today = today or timezone.localdate()
    now = now or timezone.now()
    listened = subscribed_events()
    checks = [check for event, check in discover_checks() if event in listened]
    if not checks:
        return {}
    raised: dict[str, int] = {}
    try:
        with transaction.atomic():
            for check in checks:
                raised[check.__name__] = check(today, now)
    except Exception:  # noqa: BLE001 -- a webhook check never stops the reminders
        logger.exception("Webhook sweep checks failed")
        return {}
    return raised
