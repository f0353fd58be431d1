"""Writes of notifications: the in-app messages every app sends (:func:`notify`, emailed after
commit by the ``email_notifications`` task), and a user marking theirs read."""

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth import get_user_model
from django.utils import timezone

from aims.models import Notification
from aims.outbox.services import publish_on_commit

User = get_user_model()

EMAIL_TASK = "aims.tasks.email_notifications"

_held: ContextVar["HeldNotifications | None"] = ContextVar("held_notifications", default=None)


class HeldNotifications:
    """What the services would have sent while held: per recipient, how many messages and
    the first title."""

    def __init__(self) -> None:
        self.count: Counter[int] = Counter()
        self.users: dict[int, object] = {}
        self.first_title: dict[int, str] = {}

    def add(self, users: Iterable, title: str) -> None:
        for user in users:
            self.count[user.pk] += 1
            self.users[user.pk] = user
            self.first_title.setdefault(user.pk, title)


@contextmanager
def notifications_held() -> Iterator[HeldNotifications]:
    """Hold the notifications sent inside the block instead of creating them: a write of
    thousands of records at once (an import) tells people once, in a summary the caller
    sends, rather than in one message (and one email) per record."""
    held = HeldNotifications()
    token = _held.set(held)
    try:
        yield held
    finally:
        _held.reset(token)


def notify(*, recipients: Iterable, title: str, body: str = "", link: str = "") -> list[int]:
    """Create in-app notifications; email them once the transaction has committed."""
    unique = {user.pk: user for user in recipients if user is not None and user.is_active}
    held = _held.get()
    if held is not None:
        held.add(unique.values(), title)
        return []
    notes = Notification.objects.bulk_create(
        Notification(recipient=user, title=title[:200], body=body, link=link)
        for user in unique.values()
    )
    ids = [n.pk for n in notes]
    if ids:
        # Through the outbox: a broker that is down neither fails the change that notified
        # (the request has committed by then) nor loses the emails (sent when it is back).
        publish_on_commit(EMAIL_TASK, [ids], key=f"aims.notification:{ids[0]}")
    return ids


def users_in_role(role: str):
    return User.objects.filter(groups__name=role, is_active=True).distinct()


def notification_mark_read(*, user, notification_ids: Iterable[int] | None = None) -> int:

    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())
