"""Send tasks through the outbox: never lost when the broker is down, never holding the
request that asked for them longer than a short connection timeout."""

import logging
from collections.abc import Callable

from celery import current_app
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

#: Sent by :func:`recover` (beat, and each worker as it starts): apps connect a receiver that
#: re-queues their own work whose worker died (an evidence pack whose lease expired).
recovery_sweep = Signal()

#: Told in words on the pages and in the API of work waiting for the broker.
WAITING_FOR_BROKER = (
    "Waiting for the task queue, which is unavailable: it will run when the queue is back."
)


def publish_on_commit(
    task_name: str, args: list, *, key: str, on_unsent: Callable[[], None] | None = None
) -> OutboxMessage:
    """Record the task in the caller's transaction and send it once that commits. When the
    broker refuses it, the message stays (and ``on_unsent`` runs, to tell the user); a sweep
    sends it when the broker is back."""
    message = OutboxMessage.objects.create(task=task_name, args=args, key=key)

    def send() -> None:
        if not deliver(message.pk) and on_unsent is not None:
            on_unsent()

    transaction.on_commit(send)
    return message


def publish_many_on_commit(task_name: str, calls: list[tuple[list, str]]) -> list[int]:
    """Record many calls of one task (``(args, key)`` each) in the caller's transaction and
    send them once it commits, stopping at the first refusal of the broker (a broker that is
    down would refuse each after its connection timeout): the sweep sends the rest later."""
    messages = OutboxMessage.objects.bulk_create(
        OutboxMessage(task=task_name, args=args, key=key) for args, key in calls
    )
    ids = [message.pk for message in messages]

    def send() -> None:
        for message_id in ids:
            if not deliver(message_id):
                return

    transaction.on_commit(send)
    return ids


def deliver(message_id: int) -> bool:
    """Send one message if not sent yet; True once it is sent. Publishing never retries nor
    waits for the result store (the broker's short connection timeout bounds it)."""
    message = OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).first()
    if message is None:
        return True
    now = timezone.now()
    try:
        _task(message.task).apply_async(args=message.args, retry=False, ignore_result=True)
    except Exception as exc:  # noqa: BLE001 -- any refusal of the broker keeps the message
        logger.warning("Task %s for %s not sent, kept for later: %s", message.task,
                       message.key, exc)  # fmt: skip
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=message.attempts + 1, last_attempt_at=now,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
        )  # fmt: skip
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(
        sent_at=now, attempts=message.attempts + 1, last_attempt_at=now, last_error=""
    )
    return True


def _task(name: str):
    """The registered task; a web process imports the apps' task modules on first use (a
    worker has them from its start)."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    return current_app.tasks[name]


def waiting(key: str) -> bool:
    """Whether work for ``key`` waits because the broker refused it."""
    return OutboxMessage.objects.filter(key=key, sent_at__isnull=True, attempts__gt=0).exists()


def deliver_pending(limit: int = 500) -> dict:
    """Send again what the broker refused, oldest first; stop at the first refusal (the
    broker is still down: the next sweep tries again)."""
    sent = 0
    ids = OutboxMessage.objects.filter(sent_at__isnull=True).values_list("pk", flat=True)
    for message_id in list(ids[:limit]):
        if not deliver(message_id):
            return {"sent": sent, "broker": "unavailable"}
        sent += 1
    return {"sent": sent, "broker": "available"}


def recover() -> dict:
    """The sweep: apps re-queue their work whose worker died, then the outbox is flushed."""
    recovered = 0
    for _receiver, count in recovery_sweep.send(sender=OutboxMessage):
        recovered += count or 0
    return {"recovered": recovered, **deliver_pending()}
