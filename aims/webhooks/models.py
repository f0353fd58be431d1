"""Webhook subscriptions (history-tracked) and their delivery log (a log: no history)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .events import Event


class WebhookSubscription(models.Model):
    """A receiver's URL and the events it hears about. The secret signs each delivery
    (HMAC-SHA256); it is kept to sign, and shown to people once, on creation."""

    class Preset(models.TextChoices):
        GENERIC = "generic", "AIMS JSON (signed event envelope)"
        SLACK = "slack", "Slack incoming webhook"
        TEAMS = "teams", "Microsoft Teams incoming webhook"

    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500)
    preset = models.CharField(max_length=10, choices=Preset.choices, default=Preset.GENERIC)
    event_types = models.JSONField(default=list)
    secret = models.CharField(max_length=80, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="webhook_subscriptions"
    )
    is_active = models.BooleanField(default=True)
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    disabled_reason = models.CharField(max_length=300, blank=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["secret", "consecutive_failures"])

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def event_labels(self) -> list[str]:
        return [Event(e).label for e in self.event_types if e in Event.values]


class WebhookDelivery(models.Model):
    """One event for one subscription: the body as sent, and where its sending stands."""

    class Status(models.TextChoices):
        PENDING = "pending", "Queued"
        SENDING = "sending", "Sending"
        RETRYING = "retrying", "Waiting to retry"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Failed"

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries"
    )
    event_type = models.CharField(max_length=40, choices=Event.choices)
    #: The event's id: the same in every delivery of one event, and in a redelivery.
    event_id = models.UUIDField()
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    last_duration_ms = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    redelivery_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="redeliveries"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="webhook_due_idx")]
        verbose_name_plural = "webhook deliveries"
        default_permissions = ()  # read and redelivered through the subscription's rights

    def __str__(self) -> str:
        return f"{self.event_type} to {self.subscription_id}: {self.status}"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery: its answer's status, how long it took, the start of the
    answer's body or the reason nothing came back."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="log")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField()
    succeeded = models.BooleanField(default=False)
    error = models.CharField(max_length=500, blank=True)
    response_body = models.TextField(blank=True)

    class Meta:
        ordering = ["delivery", "number"]
        default_permissions = ()

    def __str__(self) -> str:
        return f"attempt {self.number} of delivery {self.delivery_id}: {self.status_code}"


class WebhookEventMark(models.Model):
    """What the daily sweep already announced: one row per once-only key of an event it raises
    (an overdue episode: record, clock and due moment), or per watched figure with the value
    last announced (readiness). The unique key makes a second sweep, or a concurrent one, find
    the event taken. Internal state of the sweep: no history, no permissions."""

    key = models.CharField(max_length=200, unique=True)
    value = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return self.key
