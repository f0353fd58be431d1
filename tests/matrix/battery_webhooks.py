"""History battery entry for webhook subscriptions: created by an officer, through the
service and the API."""

from django.db.models import Model

from aims.webhooks import services
from aims.webhooks.models import WebhookSubscription

from .battery_framework import Entry, api, by_id

TARGET = "http://127.0.0.1:9/battery"  # nothing listens; no event of the battery is chosen
EVENTS = ["readiness.changed"]

BATTERY: dict[type[Model], Entry] = {
    WebhookSubscription: Entry(
        actor="officer",
        stage="intake_submitted",
        create=lambda w: services.subscription_create(
            actor=w.officer, name="Battery hook", url=TARGET, event_types=EVENTS
        )[0],
        api_create=lambda w: (
            "post",
            api("webhooksubscription-list"),
            {"name": "Battery API hook", "url": TARGET, "event_types": EVENTS},
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("webhooksubscription-list"),
            {"name": "Battery API hook", "url": "ftp://example.org/", "event_types": EVENTS},
            "json",
        ),
        api_result=by_id(WebhookSubscription),
    ),
}
