"""The digest email: at most one a day per user, listing the sweep's notifications not yet
emailed nor read. The sweep claims it (:func:`claim_digests`, inside its transaction); the
email goes after commit, through the ``send_reminder_digest`` task (:func:`digest_send`)."""

import logging
from collections import defaultdict
from collections.abc import Iterable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from aims.models import DigestLog, Notification
from aims.outbox.services import publish_many_on_commit
from aims.reminders.sources import BATCH, discover_sources

logger = logging.getLogger(__name__)
User = get_user_model()

DIGEST_TASK = "aims.tasks.send_reminder_digest"
DIGEST_ITEMS_PER_KIND = 50  # a longer group ends with "and N more" and a link to the list


@dataclass
class DigestClaim:
    """Today's digest claim: who gets one, and the ``emailed_at`` stamp of what it lists.
    New reminders of these people are inserted already stamped (no second write)."""

    stamp: datetime
    recipients: set[int]


def digest_recipients(today: date):
    """Active people with an email address who have not had today's digest yet."""
    return (
        User.objects.filter(is_active=True)
        .exclude(email="")
        .exclude(pk__in=DigestLog.objects.filter(day=today).values("recipient_id"))
    )


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


def claim_digests(today: date, claim: DigestClaim) -> int:
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
        .filter(recipient_id__in=digest_recipients(today).values("pk"))
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

    if not send_reminder_digest.app.conf.task_always_eager:
        # Through the outbox: a broker that is down loses no digest (they are claimed now,
        # so a later sweep would not list these items again); they go when it is back.
        calls = [
            ([recipient_id, today.isoformat(), [note.pk for note in notes]],
             f"aims.digest:{recipient_id}:{today.isoformat()}")
            for recipient_id, notes in items.items()
        ]  # fmt: skip
        publish_many_on_commit(DIGEST_TASK, calls)
        return len(items)

    def send_here() -> None:
        local = _LocalDigests(today, items)
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
            local.close()

    transaction.on_commit(send_here)
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
