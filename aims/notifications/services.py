"""Writes of notifications: the in-app messages every app sends (:func:`notify`, emailed after
commit by the ``email_notifications`` task), and a user marking theirs read."""

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.utils import timezone

from aims.models import Notification
from aims.outbox.services import publish_on_commit

User = get_user_model()

EMAIL_TASK = "aims.tasks.email_notifications"


def notify(*, recipients: Iterable, title: str, body: str = "", link: str = "") -> list[int]:
    """Create in-app notifications; email them once the transaction has committed."""
    unique = {user.pk: user for user in recipients if user is not None and user.is_active}
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
