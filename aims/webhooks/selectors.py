"""Reads of webhooks: subscriptions and their delivery log, for those who manage them."""

from django.db.models import QuerySet

from .models import WebhookAttempt, WebhookDelivery, WebhookSubscription
from .services import can_manage_webhooks


def subscription_list(*, user) -> QuerySet[WebhookSubscription]:
    """Every subscription for officers (and administrators); none for anyone else."""
    if not can_manage_webhooks(user):
        return WebhookSubscription.objects.none()
    return WebhookSubscription.objects.select_related("owner").order_by("name", "pk")


def delivery_list(*, user, subscription: WebhookSubscription) -> QuerySet[WebhookDelivery]:
    return WebhookDelivery.objects.filter(
        subscription__in=subscription_list(user=user), subscription=subscription
    ).order_by("-created_at", "-pk")


def attempt_list(*, delivery: WebhookDelivery) -> QuerySet[WebhookAttempt]:
    return delivery.log.order_by("number")
