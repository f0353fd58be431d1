"""Role-matrix rows for outbound webhooks: the pages and API of subscriptions, their delivery
log and redelivery. Governance officers only (and administrators, who are no matrix role);
the list of events and their payloads is documentation every signed-in user may read."""

import uuid

from aims.webhooks import services
from aims.webhooks.models import WebhookDelivery, WebhookSubscription

from .framework import API_LOGGED_IN, Case, expect
from .world import World

# fmt: off
#                                anonymous nobody owner other_owner officer approver auditor
OFFICER_ONLY            = expect("login    403    403   403         ok      403      403")
API_OFFICER_ONLY        = expect("401      403    403   403         ok      403      403")
# fmt: on

# Nothing listens there (the discard port): and the subscriptions hear only an event that the
# world's preparation never raises, so the matrix sends nothing.
TARGET = "http://127.0.0.1:9/matrix"
EVENTS = ["readiness.changed"]


def subscription(w: World) -> WebhookSubscription:
    return w.once(
        "webhook",
        lambda: services.subscription_create(
            actor=w.officer, name="Matrix hook", url=TARGET, event_types=EVENTS
        )[0],
    )


def subscription_pk(w: World) -> dict:
    return {"pk": subscription(w).pk}


def delivery_kwargs(w: World) -> dict:
    def make():
        return WebhookDelivery.objects.create(
            subscription=subscription(w), event_type=EVENTS[0], event_id=uuid.uuid4(),
            payload={"type": EVENTS[0], "data": {}}, status=WebhookDelivery.Status.FAILED,
        )  # fmt: skip

    return {"pk": subscription(w).pk, "delivery": w.once("webhook_delivery", make).pk}


def api_delivery_kwargs(w: World) -> dict:
    kwargs = delivery_kwargs(w)
    return {"pk": kwargs["pk"], "delivery_id": kwargs["delivery"]}


def disable(w: World) -> None:
    WebhookSubscription.objects.filter(pk=subscription(w).pk).update(is_active=False)


def count(w: World) -> int:
    return WebhookSubscription.objects.count()


def name(w: World) -> str:
    return WebhookSubscription.objects.get(pk=subscription(w).pk).name


def active(w: World) -> bool:
    return WebhookSubscription.objects.get(pk=subscription(w).pk).is_active


def deliveries(w: World) -> int:
    return WebhookDelivery.objects.count()


def form(w: World) -> dict:
    return {"name": "Matrix hook edited", "url": TARGET, "preset": "generic",
            "event_types": EVENTS}  # fmt: skip


def subscribed(w: World) -> None:
    subscription(w)


CASES = [
    Case("webhooks:subscription_list", "GET", OFFICER_ONLY),
    Case("webhooks:subscription_create", "GET", OFFICER_ONLY),
    Case("webhooks:subscription_create", "POST", OFFICER_ONLY, data=form, effect=count),
    Case("webhooks:subscription_detail", "GET", OFFICER_ONLY, kwargs=subscription_pk),
    Case("webhooks:subscription_edit", "GET", OFFICER_ONLY, kwargs=subscription_pk),
    Case("webhooks:subscription_edit", "POST", OFFICER_ONLY, kwargs=subscription_pk, data=form,
         effect=name),
    Case("webhooks:subscription_disable", "POST", OFFICER_ONLY, kwargs=subscription_pk,
         data=lambda w: {}, effect=active),
    Case("webhooks:subscription_enable", "POST", OFFICER_ONLY, kwargs=subscription_pk,
         data=lambda w: {}, setup=disable, effect=active),
    Case("webhooks:subscription_delete", "GET", OFFICER_ONLY, kwargs=subscription_pk),
    Case("webhooks:subscription_delete", "POST", OFFICER_ONLY, kwargs=subscription_pk,
         data=lambda w: {}, effect=count),
    Case("webhooks:delivery_redeliver", "GET", OFFICER_ONLY, kwargs=delivery_kwargs),
    Case("webhooks:delivery_redeliver", "POST", OFFICER_ONLY, kwargs=delivery_kwargs,
         data=lambda w: {}, effect=deliveries),
    # --- API ---------------------------------------------------------------------------------
    Case("api:webhook-events", "GET", API_LOGGED_IN),
    Case("api:webhooksubscription-list", "GET", API_OFFICER_ONLY),
    Case("api:webhooksubscription-list", "POST", API_OFFICER_ONLY,
         data=lambda w: {"name": "Matrix API hook", "url": TARGET, "event_types": EVENTS},
         setup=subscribed, effect=count),
    Case("api:webhooksubscription-detail", "GET", API_OFFICER_ONLY, kwargs=subscription_pk),
    Case("api:webhooksubscription-detail", "PATCH", API_OFFICER_ONLY, kwargs=subscription_pk,
         data=lambda w: {"name": "Matrix hook edited"}, effect=name),
    Case("api:webhooksubscription-detail", "DELETE", API_OFFICER_ONLY, kwargs=subscription_pk,
         effect=count),
    Case("api:webhooksubscription-disable", "POST", API_OFFICER_ONLY, kwargs=subscription_pk,
         effect=active),
    Case("api:webhooksubscription-enable", "POST", API_OFFICER_ONLY, kwargs=subscription_pk,
         setup=disable, effect=active),
    Case("api:webhooksubscription-deliveries", "GET", API_OFFICER_ONLY, kwargs=subscription_pk),
    Case("api:webhooksubscription-redeliver", "POST", API_OFFICER_ONLY,
         kwargs=api_delivery_kwargs, effect=deliveries),
]  # fmt: skip
