"""Outbound webhooks, end to end against a real HTTP receiver on 127.0.0.1: an event raised by
a service is delivered, signed with the subscription's secret; a refusing receiver is retried
with backoff, each attempt logged, and after repeated failures the subscription is disabled
and its owner told; redelivery; officers only; bad URLs refused with a field error; the Slack
and Teams presets."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aims.models import Notification
from aims.outbox.models import OutboxMessage
from aims.webhooks import services
from aims.webhooks.events import Event
from aims.webhooks.models import WebhookDelivery, WebhookSubscription

from ...factories import make_system
from .receiver import start_receiver

pytestmark = pytest.mark.django_db
Status = WebhookDelivery.Status


@pytest.fixture
def receiver():
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


def subscribe(officer, url, events=(Event.SYSTEM_CREATED,), preset="generic"):
    return services.subscription_create(
        actor=officer, name="GRC tool", url=url, event_types=list(events), preset=preset
    )


def create_system(owner, capture, **overrides):
    with capture(execute=True):
        return make_system(owner, **overrides)


def retry_due_at(capture, minutes: float) -> int:
    with capture(execute=True):
        return services.retry_due(now=timezone.now() + timedelta(minutes=minutes))


def test_a_created_system_reaches_the_receiver_signed(
    officer, owner, receiver, django_capture_on_commit_callbacks
):
    subscription, secret = subscribe(officer, receiver.url)

    system = create_system(owner, django_capture_on_commit_callbacks, name="Loan scorer")

    assert len(receiver.requests) == 1
    got = receiver.requests[0]
    assert got.path == "/hooks/aims"
    assert got.signature_valid(secret)
    assert not got.signature_valid("whsec_someone-else")
    assert got.header("X-AIMS-Event") == "system.created"
    body = got.json
    assert body["type"] == "system.created"
    assert body["data"]["system"]["reference"] == system.reference
    assert body["data"]["system"]["name"] == "Loan scorer"
    delivery = WebhookDelivery.objects.get(subscription=subscription)
    assert got.header("X-AIMS-Delivery") == str(delivery.pk)
    assert body["id"] == str(delivery.event_id)
    assert delivery.status == Status.SUCCEEDED
    assert delivery.last_status_code == 200
    attempt = delivery.log.get()
    assert attempt.status_code == 200 and attempt.succeeded
    assert attempt.response_body == '{"ok": true}'
    # Sent through the outbox, so nothing is lost when the broker is down.
    message = OutboxMessage.objects.get(key=services.delivery_key(delivery.pk))
    assert message.task == services.SEND_TASK and message.sent_at is not None


def test_only_subscriptions_to_the_event_and_active_ones_get_it(
    officer, owner, receiver, django_capture_on_commit_callbacks
):
    subscribe(officer, receiver.url, events=[Event.INCIDENT_CREATED])
    disabled, _ = subscribe(officer, receiver.url)
    services.subscription_set_active(actor=officer, subscription=disabled, active=False)

    create_system(owner, django_capture_on_commit_callbacks)

    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_a_stage_change_and_a_gate_decision_are_delivered(
    officer, owner, receiver, django_capture_on_commit_callbacks
):
    from inventory.services import system_transition

    events = [Event.SYSTEM_STAGE_CHANGED, Event.GATE_DECIDED]
    _, secret = subscribe(officer, receiver.url, events=events)
    system = create_system(owner, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        system_transition(actor=officer, system=system, action="start_triage")

    (got,) = receiver.requests
    assert got.signature_valid(secret)
    data = got.json["data"]
    assert data["from_stage"] == "intake_submitted" and data["to_stage"] == "in_triage"


def test_a_refusing_receiver_is_retried_then_the_subscription_disabled_and_owner_told(
    officer, owner, receiver, settings, django_capture_on_commit_callbacks
):
    settings.AIMS_WEBHOOK_MAX_CONSECUTIVE_FAILURES = 3
    receiver.status = 500
    subscription, _ = subscribe(officer, receiver.url)
    create_system(owner, django_capture_on_commit_callbacks)

    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.RETRYING and delivery.last_status_code == 500
    wait = delivery.next_attempt_at - delivery.log.get().started_at
    assert timedelta(seconds=50) < wait < timedelta(seconds=70)  # the first backoff, 1 min
    assert retry_due_at(django_capture_on_commit_callbacks, 0) == 0  # not due yet
    assert retry_due_at(django_capture_on_commit_callbacks, 2) == 1
    assert retry_due_at(django_capture_on_commit_callbacks, 8) == 1  # 5 min after the 2nd

    assert len(receiver.requests) == 3
    delivery.refresh_from_db()
    assert [a.status_code for a in delivery.log.all()] == [500, 500, 500]
    assert [a.number for a in delivery.log.all()] == [1, 2, 3]
    subscription.refresh_from_db()
    assert not subscription.is_active
    assert "3 failed delivery attempts" in subscription.disabled_reason
    note = Notification.objects.get(recipient=officer, title__startswith="Webhook")
    assert "disabled after 3 failures" in note.title
    assert subscription.history.first().history_change_reason.startswith("Disabled after 3")
    # Disabled: the waiting retry is not sent, however late it is.
    assert retry_due_at(django_capture_on_commit_callbacks, 60 * 24) == 0
    assert len(receiver.requests) == 3


def test_retries_stop_after_the_last_backoff(
    officer, owner, receiver, django_capture_on_commit_callbacks
):
    receiver.status = 503
    subscribe(officer, receiver.url)
    create_system(owner, django_capture_on_commit_callbacks)
    for _ in services.RETRY_DELAYS:
        assert retry_due_at(django_capture_on_commit_callbacks, 60 * 24) == 1
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.FAILED and delivery.attempts == 6
    assert delivery.next_attempt_at is None
    assert retry_due_at(django_capture_on_commit_callbacks, 60 * 48) == 0
    assert len(receiver.requests) == 6


def test_a_receiver_that_is_down_only_shows_in_the_log(
    officer, owner, client_as, django_capture_on_commit_callbacks
):
    _, server = start_receiver()
    url = f"http://127.0.0.1:{server.server_address[1]}/gone"
    server.shutdown()
    server.server_close()
    subscribe(officer, url)

    system = create_system(owner, django_capture_on_commit_callbacks)

    assert system.pk
    delivery = WebhookDelivery.objects.get()
    assert delivery.status == Status.RETRYING
    assert delivery.last_status_code is None
    assert "Connection" in delivery.last_error or "refused" in delivery.last_error


def test_redelivery_sends_the_same_event_again_signed(
    officer, owner, receiver, api_as, django_capture_on_commit_callbacks
):
    receiver.status = 500
    subscription, secret = subscribe(officer, receiver.url)
    create_system(owner, django_capture_on_commit_callbacks)
    first = WebhookDelivery.objects.get()
    receiver.status = 204

    url = reverse("api:webhooksubscription-redeliver", args=[subscription.pk, first.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(officer).post(url)

    assert response.status_code == 201, response.content
    again = WebhookDelivery.objects.get(pk=response.json()["id"])
    assert again.redelivery_of == first and again.event_id == first.event_id
    assert again.status == Status.SUCCEEDED and again.last_status_code == 204
    original, resent = receiver.requests
    assert resent.json == original.json  # the same event
    assert resent.header("X-AIMS-Delivery") == str(again.pk)
    assert resent.signature_valid(secret)
    # The failed one keeps its log; its retry is still scheduled (it may still succeed).
    first.refresh_from_db()
    assert first.status == Status.RETRYING and first.log.count() == 1


def test_redelivery_to_a_disabled_subscription_is_refused(
    officer, owner, receiver, api_as, django_capture_on_commit_callbacks
):
    subscription, _ = subscribe(officer, receiver.url)
    create_system(owner, django_capture_on_commit_callbacks)
    services.subscription_set_active(actor=officer, subscription=subscription, active=False)
    delivery = WebhookDelivery.objects.get()
    url = reverse("api:webhooksubscription-redeliver", args=[subscription.pk, delivery.pk])
    response = api_as(officer).post(url)
    assert response.status_code == 400
    assert response.json()["code"] == "webhook_disabled"


def test_the_api_creates_a_subscription_and_shows_the_secret_once(officer, api_as, receiver):
    api = api_as(officer)
    response = api.post(
        reverse("api:webhooksubscription-list"),
        {"name": "Slack #ai", "url": receiver.url, "preset": "slack",
         "event_types": ["incident.created", "incident.serious"]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["secret"].startswith("whsec_")
    subscription = WebhookSubscription.objects.get(pk=body["id"])
    assert subscription.secret == body["secret"] and subscription.owner == officer
    shown = api.get(reverse("api:webhooksubscription-detail", args=[body["id"]])).json()
    assert "secret" not in shown
    listed = api.get(reverse("api:webhooksubscription-list")).json()
    assert "secret" not in listed["results"][0]
    assert subscription.history.get().history_change_reason == "Webhook subscription created"


@pytest.mark.parametrize(
    "url, words",
    [
        ("ftp://example.org/hook", "Only http:// and https://"),
        ("file:///etc/passwd", "Only http:// and https://"),
        ("not a url", "Only http:// and https://"),
        ("https://user:pw@example.org/", "credentials"),
    ],
)
def test_a_bad_url_is_refused_with_a_field_error(officer, api_as, url, words):
    response = api_as(officer).post(
        reverse("api:webhooksubscription-list"),
        {"name": "x", "url": url, "event_types": ["system.created"]},
        format="json",
    )
    assert response.status_code == 400
    assert words in " ".join(response.json()["extra"]["fields"]["url"])
    assert not WebhookSubscription.objects.exists()


def test_private_targets_are_refused_unless_allowed(officer, settings, receiver):
    settings.AIMS_WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    for url in (receiver.url, "http://10.1.2.3/hook", "http://[::1]/hook", "http://localhost/"):
        with pytest.raises(Exception) as refused:
            subscribe(officer, url)
        assert "private or loopback" in str(refused.value)


def test_a_private_target_is_not_sent_to_when_no_longer_allowed(
    officer, owner, receiver, settings, django_capture_on_commit_callbacks
):
    subscribe(officer, receiver.url)
    settings.AIMS_WEBHOOK_ALLOW_PRIVATE_TARGETS = False
    create_system(owner, django_capture_on_commit_callbacks)
    assert receiver.requests == []
    assert "private or loopback" in WebhookDelivery.objects.get().last_error


def test_the_slack_preset_posts_a_slack_message(
    officer, owner, receiver, django_capture_on_commit_callbacks
):
    _, secret = subscribe(officer, receiver.url, preset="slack")
    system = create_system(owner, django_capture_on_commit_callbacks, name="Loan scorer")
    got = receiver.requests[0]
    assert got.signature_valid(secret)
    body = got.json
    assert set(body) == {"text", "blocks"}
    assert body["text"].startswith("AI system created: ")
    assert system.reference in body["text"] and "Loan scorer" in body["text"]
    (block,) = body["blocks"]
    assert block["type"] == "section" and block["text"]["type"] == "mrkdwn"
    assert f"/systems/{system.pk}/|Open in AIMS>" in block["text"]["text"]


def test_the_teams_preset_posts_an_adaptive_card(
    officer, owner, receiver, django_capture_on_commit_callbacks
):
    subscribe(officer, receiver.url, preset="teams")
    system = create_system(owner, django_capture_on_commit_callbacks)
    body = receiver.requests[0].json
    assert body["type"] == "message"
    (attachment,) = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard"
    assert card["body"][0]["text"] == "AI system created"
    assert system.reference in card["body"][1]["text"]
    assert card["actions"][0]["url"].endswith(f"/systems/{system.pk}/")


def test_non_officers_are_refused(owner, approver, auditor, api_as, client_as, officer, receiver):
    subscription, _ = subscribe(officer, receiver.url)
    for user in (owner, approver, auditor):
        api = api_as(user)
        assert api.get(reverse("api:webhooksubscription-list")).status_code == 403
        created = api.post(
            reverse("api:webhooksubscription-list"),
            {"name": "x", "url": receiver.url, "event_types": ["system.created"]},
            format="json",
        )
        assert created.status_code == 403
        client = client_as(user)
        assert client.get(reverse("webhooks:subscription_list")).status_code == 403
        page = reverse("webhooks:subscription_detail", args=[subscription.pk])
        assert client.get(page).status_code == 403
    assert WebhookSubscription.objects.count() == 1
    with pytest.raises(Exception, match="Only governance officers"):
        subscribe(owner, receiver.url)


def test_the_events_endpoint_documents_every_event(owner, api_as):
    response = api_as(owner).get(reverse("api:webhook-events"))
    assert response.status_code == 200
    assert {e["type"] for e in response.json()} == set(Event.values)
    schema = api_as(owner).get(reverse("schema"), {"format": "json"}).json()
    components = schema["components"]["schemas"]
    assert "WebhookSystemCreatedEvent" in components
    assert "WebhookEvent" in components
    assert components["WebhookGateDecidedEvent"]["properties"]["data"]["$ref"].endswith(
        "/GateDecidedData"
    )


def test_an_incident_reported_then_marked_serious_is_delivered(
    officer, owner, receiver, django_capture_on_commit_callbacks
):
    from incidents import services as incident_services

    events = [Event.INCIDENT_CREATED, Event.INCIDENT_SERIOUS]
    _, secret = subscribe(officer, receiver.url, events=events)
    system = create_system(owner, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        incident = incident_services.incident_report(
            actor=owner, system=system, title="Chatbot gave dangerous advice",
            description="A dose doubled.", detection_channel="user_complaint",
            category="harmful_output", severity="sev3", flagged_high_risk=True,
        )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        incident_services.incident_mark_serious(actor=officer, incident=incident, case="general")

    created, serious = receiver.requests
    assert created.signature_valid(secret) and serious.signature_valid(secret)
    assert created.json["type"] == "incident.created"
    assert created.json["data"]["incident"]["reference"] == incident.reference
    assert created.json["data"]["incident"]["is_serious"] is False
    assert serious.json["type"] == "incident.serious"
    assert serious.json["data"]["incident"]["is_serious"] is True
    assert serious.json["data"]["case"] == "general"
    assert serious.json["data"]["report_due_at"]


def test_a_vendor_change_is_delivered_once_however_often_it_is_reported(
    officer, owner, receiver, django_capture_on_commit_callbacks
):
    from suppliers import services as supplier_services
    from tests.suppliers.helpers import make_supplier

    _, secret = subscribe(officer, receiver.url, events=[Event.VENDOR_CHANGE_RECORDED])
    supplier = make_supplier(officer)
    change = {"affected_service": "acme-llm", "kind": "new_model_version",
              "source": "vendor_notice", "title": "acme-llm 2026-06 replaces 2026-01",
              "previous_identifier": "acme-llm-2026-01",
              "observed_identifier": "acme-llm-2026-06"}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        notice = supplier_services.vendor_change_record(actor=officer, supplier=supplier,
                                                        data=change)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):  # the same change, reported again
        again = supplier_services.vendor_change_record(actor=officer, supplier=supplier,
                                                       data=change)  # fmt: skip

    assert again.pk == notice.pk
    (got,) = receiver.requests  # one delivery: the second report merged into the notice
    assert got.signature_valid(secret)
    assert got.json["type"] == "vendor_change.recorded"
    sent = got.json["data"]["notice"]
    assert sent["reference"] == notice.reference and sent["supplier"] == supplier.reference
    assert sent["summary"] == "acme-llm 2026-06 replaces 2026-01"
    assert sent["url"].endswith(reverse("suppliers:notice_detail", args=[notice.pk]))


def test_the_form_offers_every_event_as_sent(officer, client_as):
    page = client_as(officer).get(reverse("webhooks:subscription_create")).content.decode()
    for label in Event.labels:
        assert label in page
    assert "(not sent yet)" not in page  # every event is wired (aims.webhooks.events.WIRED)
