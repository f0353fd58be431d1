"""Celery task of webhook deliveries."""

import logging

from celery import shared_task

from .services import delivery_send

logger = logging.getLogger(__name__)


@shared_task(name="aims.webhooks.send_delivery", ignore_result=True)
def send_webhook_delivery(delivery_id: int) -> str:
    """Load by id and make one attempt; the service logs it and schedules the next one (the
    recovery sweep queues due retries). Never raises: a failed attempt is in the log, and an
    eager run (no broker) must not fail the request that emitted the event."""
    try:
        return delivery_send(delivery_id=delivery_id)
    except Exception:  # noqa: BLE001 -- see above; the sweep reclaims a delivery left sending
        logger.exception("Webhook delivery %s: the attempt stopped", delivery_id)
        return "error"
