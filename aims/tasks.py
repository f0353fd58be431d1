from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Notification


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def email_notifications(self, notification_ids: list[int]) -> int:
    """Email notifications not yet emailed. Safe to retry: each is sent at most once."""
    sent = 0
    pending = Notification.objects.filter(
        pk__in=notification_ids, emailed_at__isnull=True
    ).select_related("recipient")
    for note in pending:
        if not note.recipient.email:
            continue
        link = f"{settings.AIMS_BASE_URL}{note.link}" if note.link else ""
        try:
            send_mail(
                subject=f"[AIMS] {note.title}",
                message=f"{note.body}\n\n{link}".strip(),
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[note.recipient.email],
            )
        except OSError as exc:
            raise self.retry(exc=exc) from exc
        Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


@shared_task
def ping() -> str:
    """A task with no side effects: proves a worker is consuming the broker."""
    return "pong"


@shared_task(acks_late=True)
def run_reminder_sweep(day: str | None = None) -> dict:
    """The daily sweep (scheduled by beat; safe to run twice: nothing is sent twice), then the
    webhook events found by date (overdue records, readiness changed; aims.webhooks.sweep)."""
    from datetime import date

    from aims.reminders.sweep import run_sweep
    from aims.webhooks.sweep import run_checks

    result = run_sweep(today=date.fromisoformat(day) if day else None)
    return {**result.as_dict(), "webhook_events": run_checks(today=result.day)}


@shared_task(bind=True, max_retries=5, default_retry_delay=60)
def send_reminder_digest(self, recipient_id: int, day: str, notification_ids: list[int]) -> bool:
    """Email one user's digest, claimed by the sweep (its DigestLog row) before it was queued."""
    from datetime import date

    from aims.reminders.digest import digest_send

    try:
        return digest_send(
            recipient_id=recipient_id,
            day=date.fromisoformat(day),
            notification_ids=notification_ids,
        )
    except OSError as exc:
        raise self.retry(exc=exc) from exc


@shared_task(acks_late=True)
def take_daily_snapshot(day: str | None = None) -> dict:
    """The daily trends snapshot (scheduled by beat; safe to run twice: the day keeps one row)."""
    from datetime import date

    from aims.trends.services import take_snapshot

    snapshot = take_snapshot(date.fromisoformat(day) if day else None)
    return {"day": snapshot.day.isoformat(), "figures": len(snapshot.figures)}


from .outbox.tasks import recover_background_tasks  # noqa: E402, F401 - found by autodiscover
from .webhooks.tasks import send_webhook_delivery  # noqa: E402, F401 - found by autodiscover
