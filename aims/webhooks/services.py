"""Writes of webhooks: subscriptions (officers), the events services emit, and the sending of
each delivery (signed, retried with backoff, logged attempt by attempt)."""

import logging
import secrets
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.db.models import F
from django.utils import timezone

from aims.errors import BusinessRuleError, Code
from aims.history import save_with_history, stamp
from aims.notifications.services import notify
from aims.outbox.services import publish_on_commit
from aims.permissions import has_global_perm, require_global

from . import sending
from .events import Event
from .models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from .targets import target_problem

logger = logging.getLogger(__name__)
Status = WebhookDelivery.Status

MANAGE_PERMISSION = "aims.change_webhooksubscription"
MANAGERS_ONLY = "Only governance officers manage webhooks."
#: The Celery task that sends one delivery (aims.webhooks.tasks), by name: through the outbox.
SEND_TASK = "aims.webhooks.send_delivery"
#: Waits before the second, third... attempt of a delivery; after the last, it has failed.
RETRY_DELAYS = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
#: A delivery the worker claimed but never finished (the worker died) is sent again after this.
SENDING_LEASE = timedelta(minutes=5)


# --- Rules ---------------------------------------------------------------------------------


def can_manage_webhooks(user) -> bool:
    """Governance officers (and administrators) manage subscriptions and their deliveries."""
    return has_global_perm(user, MANAGE_PERMISSION)


def require_manager(user) -> None:
    require_global(user, MANAGE_PERMISSION, MANAGERS_ONLY, code=Code.PERMISSION_DENIED)


def max_failures() -> int:
    return int(getattr(settings, "AIMS_WEBHOOK_MAX_CONSECUTIVE_FAILURES", 10))


def should_disable(subscription: WebhookSubscription) -> bool:
    """A subscription whose receiver failed this many attempts in a row stops: its owner is
    told, and enables it again once the receiver is fixed."""
    return subscription.is_active and subscription.consecutive_failures >= max_failures()


def next_attempt_delay(attempts: int) -> timedelta | None:
    """The wait after ``attempts`` failed attempts; None once the retries are used up."""
    return RETRY_DELAYS[attempts - 1] if 1 <= attempts <= len(RETRY_DELAYS) else None


def can_redeliver(delivery: WebhookDelivery) -> bool:
    return delivery.subscription.is_active and delivery.status not in (
        Status.PENDING,
        Status.SENDING,
    )


# --- Subscriptions -------------------------------------------------------------------------


def _clean(*, name: str, url: str, event_types: Iterable[str], preset: str) -> list[str]:
    errors = {}
    problem = target_problem(url)
    if problem:
        errors["url"] = [problem]
    chosen = list(dict.fromkeys(event_types))
    unknown = [e for e in chosen if e not in Event.values]
    if unknown or not chosen:
        errors["event_types"] = [
            f"Unknown events: {', '.join(unknown)}." if unknown else "Choose at least one event."
        ]
    if preset not in WebhookSubscription.Preset.values:
        errors["preset"] = ["Choose AIMS JSON, Slack or Microsoft Teams."]
    if not name.strip():
        errors["name"] = ["Give the subscription a name."]
    if errors:
        raise ValidationError(errors, code="invalid")
    return chosen


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


@transaction.atomic
def subscription_create(
    *, actor, name: str, url: str, event_types: Iterable[str], preset: str = "generic",
    owner=None,
) -> tuple[WebhookSubscription, str]:  # fmt: skip
    """A new subscription and its secret, which the caller shows once."""
    require_manager(actor)
    chosen = _clean(name=name, url=url, event_types=event_types, preset=preset)
    secret = new_secret()
    subscription = WebhookSubscription(
        name=name.strip(), url=url, event_types=chosen, preset=preset,
        owner=owner or actor, secret=secret,
    )  # fmt: skip
    save_with_history(subscription, actor=actor, reason="Webhook subscription created")
    return subscription, secret


@transaction.atomic
def subscription_update(
    *, actor, subscription: WebhookSubscription, name: str, url: str,
    event_types: Iterable[str], preset: str, owner=None,
) -> WebhookSubscription:  # fmt: skip
    require_manager(actor)
    subscription.event_types = _clean(name=name, url=url, event_types=event_types, preset=preset)
    subscription.name, subscription.url, subscription.preset = name.strip(), url, preset
    subscription.owner = owner or subscription.owner
    return save_with_history(subscription, actor=actor, reason="Webhook subscription changed")


@transaction.atomic
def subscription_set_active(
    *, actor, subscription: WebhookSubscription, active: bool
) -> WebhookSubscription:
    """Disable, or enable again (the failure count starts over; waiting retries resume)."""
    require_manager(actor)
    subscription.is_active = active
    if active:
        subscription.consecutive_failures = 0
        subscription.disabled_reason = ""
    else:
        subscription.disabled_reason = f"Disabled by {actor.get_username()}."
    reason = "Webhook subscription enabled" if active else "Webhook subscription disabled"
    return save_with_history(subscription, actor=actor, reason=reason)


@transaction.atomic
def subscription_delete(*, actor, subscription: WebhookSubscription) -> None:
    """Delete the subscription and its delivery log (the history keeps the subscription)."""
    require_manager(actor)
    stamp(subscription, actor=actor, reason="Webhook subscription deleted")
    subscription.delete()


# --- Events --------------------------------------------------------------------------------


def _listeners(event_type: Event) -> list[WebhookSubscription]:
    return [
        s for s in WebhookSubscription.objects.filter(is_active=True).only("pk", "event_types")
        if event_type in s.event_types
    ]  # fmt: skip


def subscribed_events() -> set[str]:
    """The events some active subscription chose (one query)."""
    chosen = WebhookSubscription.objects.filter(is_active=True).values_list(
        "event_types", flat=True
    )
    return {event for events in chosen for event in events}


def emit(event_type: str, data: dict | Callable[[], dict]) -> list[int]:
    """Record one delivery of the event per active subscription that chose it, in the
    caller's transaction, and send each once that commits. ``data`` may be a function, called
    only when someone listens. Never refuses the caller's write: a receiver that is down only
    shows in the delivery log."""
    event_type = Event(event_type)
    listeners = _listeners(event_type)
    if not listeners:
        return []
    payload = sending.envelope(event_type, data() if callable(data) else data, uuid.uuid4())
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(subscription_id=s.pk, event_type=event_type,
                        event_id=payload["id"], payload=payload)
        for s in listeners
    )  # fmt: skip
    for delivery in deliveries:
        _enqueue(delivery.pk)
    return [d.pk for d in deliveries]


def delivery_key(delivery_id: int) -> str:
    """The outbox key of a delivery's sending (aims.outbox)."""
    return f"aims.webhookdelivery:{delivery_id}"


def _enqueue(delivery_id: int) -> None:
    """With a broker, the Celery task through the outbox (kept while the broker is down, sent
    by the recovery sweep). Without one, a background thread once the caller's transaction
    commits, so a slow receiver never holds the request."""
    if getattr(settings, "AIMS_BACKGROUND_THREAD_TASKS", False):
        transaction.on_commit(lambda: _BACKGROUND_SENDS.submit(_send_in_thread, delivery_id))
        return
    publish_on_commit(SEND_TASK, [delivery_id], key=delivery_key(delivery_id))


_BACKGROUND_SENDS = ThreadPoolExecutor(max_workers=2, thread_name_prefix="webhook")


def _send_in_thread(delivery_id: int) -> None:
    try:
        delivery_send(delivery_id=delivery_id)
    except Exception:  # noqa: BLE001 -- a thread has nobody to raise to
        logger.exception("Webhook delivery %s: sending stopped", delivery_id)
    finally:
        connections.close_all()


@transaction.atomic
def delivery_redeliver(*, actor, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send the same event again, as a new delivery (the same event id, a new signature)."""
    require_manager(actor)
    if not delivery.subscription.is_active:
        raise BusinessRuleError(
            "The subscription is disabled: enable it before redelivering.",
            code=Code.WEBHOOK_DISABLED,
        )
    if not can_redeliver(delivery):
        raise BusinessRuleError(
            "This delivery is being sent: wait for its answer.", code=Code.WEBHOOK_IN_PROGRESS
        )
    again = WebhookDelivery.objects.create(
        subscription=delivery.subscription, event_type=delivery.event_type,
        event_id=delivery.event_id, payload=delivery.payload, redelivery_of=delivery,
    )  # fmt: skip
    _enqueue(again.pk)
    return again


# --- Sending -------------------------------------------------------------------------------


def _claim(delivery_id: int) -> WebhookDelivery | None:
    """Take the delivery for this attempt; None if another worker has it or it is done."""
    claimed = WebhookDelivery.objects.filter(pk=delivery_id, status=Status.PENDING).update(
        status=Status.SENDING, updated_at=timezone.now()
    )
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("subscription").get(pk=delivery_id)


def delivery_send(*, delivery_id: int) -> str:
    """One attempt: send, log the answer, then succeed, wait to retry, or fail. Idempotent:
    a delivery that is not queued is left alone."""
    delivery = _claim(delivery_id)
    if delivery is None:
        return "skipped"
    subscription = delivery.subscription
    if not subscription.is_active:
        # Kept for when the subscription is enabled again.
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=Status.RETRYING, next_attempt_at=timezone.now()
        )
        return "disabled"
    result = sending.send(subscription, delivery)
    _record(delivery, subscription, result)
    return "succeeded" if result.succeeded else "failed"


@transaction.atomic
def _record(delivery: WebhookDelivery, subscription, result: "sending.Result") -> None:
    number = delivery.attempts + 1
    WebhookAttempt.objects.create(
        delivery=delivery, number=number, started_at=result.started_at,
        status_code=result.status_code, duration_ms=result.duration_ms,
        succeeded=result.succeeded, error=result.error[:500], response_body=result.body,
    )  # fmt: skip
    now = timezone.now()
    fields = {"attempts": number, "last_status_code": result.status_code,
              "last_duration_ms": result.duration_ms, "last_error": result.error[:500]}  # fmt: skip
    if result.succeeded:
        fields.update(status=Status.SUCCEEDED, delivered_at=now, next_attempt_at=None)
        WebhookSubscription.objects.filter(pk=subscription.pk, consecutive_failures__gt=0).update(
            consecutive_failures=0
        )
    else:
        delay = next_attempt_delay(number)
        fields.update(
            status=Status.RETRYING if delay else Status.FAILED,
            next_attempt_at=now + delay if delay else None,
        )
        _count_failure(subscription)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(**fields)


def _count_failure(subscription: WebhookSubscription) -> None:
    WebhookSubscription.objects.filter(pk=subscription.pk).update(
        consecutive_failures=F("consecutive_failures") + 1
    )
    subscription = WebhookSubscription.objects.select_for_update().get(pk=subscription.pk)
    if should_disable(subscription):
        _disable_after_failures(subscription)


def _disable_after_failures(subscription: WebhookSubscription) -> None:
    count = subscription.consecutive_failures
    subscription.is_active = False
    subscription.disabled_reason = (
        f"Disabled after {count} failed delivery attempts in a row "
        f"({timezone.now():%Y-%m-%d %H:%M} UTC)."
    )
    save_with_history(subscription, actor=None, reason=subscription.disabled_reason)
    from django.urls import reverse

    notify(
        recipients=[subscription.owner],
        title=f"Webhook “{subscription.name}” disabled after {count} failures",
        body=f"{subscription.url} did not accept {count} deliveries in a row. Fix the receiver, "
        "then enable the subscription again: waiting deliveries are sent then.",
        link=reverse("webhooks:subscription_detail", args=[subscription.pk]),
    )


def retry_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Queue again the deliveries whose retry is due (and those a dead worker left sending)
    of active subscriptions. Run by the recovery sweep (beat, every minute)."""
    now = now or timezone.now()
    due = WebhookDelivery.objects.filter(
        status=Status.RETRYING, next_attempt_at__lte=now, subscription__is_active=True
    ) | WebhookDelivery.objects.filter(status=Status.SENDING, updated_at__lt=now - SENDING_LEASE)
    queued = 0
    for delivery_id in list(due.order_by("next_attempt_at").values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            taken = WebhookDelivery.objects.filter(
                pk=delivery_id, status__in=(Status.RETRYING, Status.SENDING)
            ).update(status=Status.PENDING)
            if taken:
                _enqueue(delivery_id)
                queued += taken
    return queued
