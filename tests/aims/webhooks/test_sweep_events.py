"""The webhook events found by the daily sweep (aims.webhooks.sweep), delivered to a real
receiver on 127.0.0.1 and checked by their signature: a corrective action overdue and an
incident overdue, once per record, clock and due date however often the sweep runs (and when
two run at once, on PostgreSQL, held to one by the once-only keys alone); the readiness for
certification changed, once per change; nothing sent without a subscription. And an evidence
pack ready, raised by its build."""

import io
import threading
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from aims.capa import services as capa_services
from aims.models import CorrectiveAction
from aims.tasks import run_reminder_sweep
from aims.webhooks import services, sweep
from aims.webhooks.events import Event
from aims.webhooks.models import WebhookDelivery, WebhookEventMark
from audits.soa import services as soa_services
from incidents import services as incident_services
from incidents.models import Incident

from ...audits.soa_helpers import statement
from ...factories import make_system
from .receiver import start_receiver

Status = WebhookDelivery.Status
ON_POSTGRESQL = "postgresql" in settings.DATABASES["default"]["ENGINE"]


@pytest.fixture
def receiver():
    receiver, server = start_receiver()
    yield receiver
    server.shutdown()
    server.server_close()


def subscribe(officer, url, events):
    return services.subscription_create(
        actor=officer, name="GRC tool", url=url, event_types=list(events)
    )


def report(owner, system, **overrides) -> Incident:
    data = {"title": "Chatbot leaked an order number", "description": "Seen by a customer.",
            "detection_channel": "user_complaint", "category": "privacy", "severity": "sev3",
            "flagged_high_risk": True, **overrides}  # fmt: skip
    return incident_services.incident_report(actor=owner, system=system, **data)


def open_capa(owner, due_date: date) -> CorrectiveAction:
    incident = report(owner, make_system(owner))
    return capa_services.capa_create(
        actor=owner, source=incident, title="Mask order numbers in answers",
        nonconformity="Personal data reached the wrong customer",
        action_plan="Filter order numbers out of the context", due_date=due_date,
    )  # fmt: skip


def sweep_on(capture, day: date | None = None) -> dict:
    """The daily task: the reminder sweep, then the webhook checks."""
    with capture(execute=True):
        return run_reminder_sweep(day.isoformat() if day else None)


@pytest.mark.django_db
def test_an_overdue_corrective_action_is_sent_once_per_due_date(
    officer, owner, receiver, django_capture_on_commit_callbacks
):
    _, secret = subscribe(officer, receiver.url, [Event.CAPA_OVERDUE])
    today = timezone.localdate()
    capa = open_capa(owner, due_date=today - timedelta(days=3))

    first = sweep_on(django_capture_on_commit_callbacks, today)
    sweep_on(django_capture_on_commit_callbacks, today)  # the same day again
    sweep_on(django_capture_on_commit_callbacks, today + timedelta(days=1))  # and the next

    assert first["webhook_events"] == {"corrective_actions_overdue": 1}
    (got,) = receiver.requests
    assert got.signature_valid(secret)
    assert got.header("X-AIMS-Event") == "corrective_action.overdue"
    body = got.json
    assert body["type"] == "corrective_action.overdue"
    sent = body["data"]["corrective_action"]
    assert sent["reference"] == capa.reference and sent["title"] == capa.title
    assert sent["due_date"] == (today - timedelta(days=3)).isoformat()
    assert sent["owner"] == owner.username and sent["status"] == "open"
    assert sent["url"].endswith(reverse("capa:capa_detail", args=[capa.pk]))
    assert body["data"]["days_overdue"] == 3

    # A new due date is a new episode: silent while it is ahead, sent once it has passed.
    CorrectiveAction.objects.filter(pk=capa.pk).update(due_date=today + timedelta(days=2))
    sweep_on(django_capture_on_commit_callbacks, today + timedelta(days=1))
    assert len(receiver.requests) == 1
    sweep_on(django_capture_on_commit_callbacks, today + timedelta(days=3))
    sweep_on(django_capture_on_commit_callbacks, today + timedelta(days=4))
    assert len(receiver.requests) == 2
    again = receiver.requests[1].json["data"]
    assert again["corrective_action"]["due_date"] == (today + timedelta(days=2)).isoformat()
    assert again["days_overdue"] == 1


@pytest.mark.django_db
def test_a_done_corrective_action_is_not_overdue(
    officer, owner, receiver, django_capture_on_commit_callbacks
):
    subscribe(officer, receiver.url, [Event.CAPA_OVERDUE])
    capa = open_capa(owner, due_date=timezone.localdate() - timedelta(days=3))
    CorrectiveAction.objects.filter(pk=capa.pk).update(status=CorrectiveAction.Status.CLOSED)
    sweep_on(django_capture_on_commit_callbacks)
    assert receiver.requests == []


@pytest.mark.django_db
def test_each_missed_clock_of_an_incident_is_sent_once(
    officer, owner, receiver, django_capture_on_commit_callbacks
):
    _, secret = subscribe(officer, receiver.url, [Event.INCIDENT_OVERDUE])
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        incident = report(owner, make_system(owner), aware_at=now - timedelta(days=30))
        incident_services.incident_mark_serious(actor=officer, incident=incident, case="general")
    # Reported 15 days ago: every time target of a sev3 incident (at most 14 days) is missed.
    Incident.objects.filter(pk=incident.pk).update(created_at=now - timedelta(days=15))
    incident.refresh_from_db()
    missed = set(incident.overdue_stages())

    sweep_on(django_capture_on_commit_callbacks)
    sweep_on(django_capture_on_commit_callbacks)

    assert missed == {"acknowledge", "contain", "resolve"}
    assert len(receiver.requests) == 4
    assert all(got.signature_valid(secret) for got in receiver.requests)
    bodies = {got.json["data"]["clock"]: got.json for got in receiver.requests}
    assert set(bodies) == missed | {"regulatory_report"}
    assert {b["type"] for b in bodies.values()} == {"incident.overdue"}
    report_due = bodies["regulatory_report"]["data"]
    assert report_due["incident"]["reference"] == incident.reference
    assert report_due["incident"]["is_serious"] is True
    assert report_due["due_at"] == incident.report_due_at.isoformat()
    assert bodies["acknowledge"]["data"]["due_at"] == incident.due_at("acknowledge").isoformat()


@pytest.mark.django_db
def test_readiness_changes_are_sent_once_each(
    officer, receiver, django_capture_on_commit_callbacks
):
    _, secret = subscribe(officer, receiver.url, [Event.READINESS_CHANGED])

    sweep_on(django_capture_on_commit_callbacks)  # the first check records the figures
    assert receiver.requests == []
    soa_services.statement_update(
        actor=officer, statement=statement("A.10.4"),
        data={"applicable": False, "justification": "No customers use our AI systems."},
    )  # fmt: skip
    sweep_on(django_capture_on_commit_callbacks)
    sweep_on(django_capture_on_commit_callbacks)  # nothing changed since

    (got,) = receiver.requests
    assert got.signature_valid(secret)
    data = got.json["data"]
    assert got.json["type"] == "readiness.changed"
    assert data["previous"] == {"percent": 0, "ready": 0, "total": 70, "not_ready": 70}
    now = data["readiness"]
    assert (now["percent"], now["ready"], now["total"], now["not_ready"]) == (1, 1, 70, 69)
    assert now["as_of"] == timezone.localdate().isoformat()
    assert now["url"].endswith(reverse("soa:readiness"))
    assert "1% ready (1 of 70" in now["summary"]


@pytest.mark.django_db
def test_nothing_is_sent_without_a_subscription_to_the_event(
    officer, owner, receiver, django_capture_on_commit_callbacks
):
    subscribe(officer, receiver.url, [Event.SYSTEM_CREATED])
    capa = open_capa(owner, due_date=timezone.localdate() - timedelta(days=1))
    receiver.requests.clear()  # the system created for the incident

    result = sweep_on(django_capture_on_commit_callbacks)
    assert receiver.requests == [] and result["webhook_events"] == {}
    assert not WebhookDelivery.objects.filter(event_type=Event.CAPA_OVERDUE).exists()
    assert not WebhookEventMark.objects.exists()  # no check ran

    # The first subscription to the event hears of what is overdue at its first sweep, once.
    subscribe(officer, receiver.url, [Event.CAPA_OVERDUE])
    sweep_on(django_capture_on_commit_callbacks)
    sweep_on(django_capture_on_commit_callbacks)
    (got,) = receiver.requests
    assert got.json["data"]["corrective_action"]["reference"] == capa.reference


@pytest.mark.django_db
def test_the_command_raises_the_events_but_not_on_a_dry_run(
    officer, owner, receiver, django_capture_on_commit_callbacks
):
    subscribe(officer, receiver.url, [Event.CAPA_OVERDUE])
    open_capa(owner, due_date=timezone.localdate() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_reminders", "--dry-run", stdout=io.StringIO())
    assert receiver.requests == [] and not WebhookEventMark.objects.exists()
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("run_reminders", stdout=out)
    assert "Webhook events raised: 1" in out.getvalue()
    assert receiver.requests[0].json["type"] == "corrective_action.overdue"


@pytest.mark.skipif(not ON_POSTGRESQL, reason="concurrent sweeps need PostgreSQL")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_once_send_each_event_once(officer, owner, receiver):
    events = [Event.CAPA_OVERDUE, Event.INCIDENT_OVERDUE, Event.READINESS_CHANGED]
    _, secret = subscribe(officer, receiver.url, events)
    today = timezone.localdate()
    open_capa(owner, due_date=today - timedelta(days=2))
    open_capa(owner, due_date=today - timedelta(days=1))
    sweep.run_checks(today=today - timedelta(days=5))  # readiness: the figures recorded
    assert receiver.requests == []
    Incident.objects.update(created_at=timezone.now() - timedelta(hours=30))  # ack missed
    soa_services.statement_update(
        actor=officer, statement=statement("A.10.4"),
        data={"applicable": False, "justification": "No customers use our AI systems."},
    )  # fmt: skip
    barrier = threading.Barrier(3)
    results, errors = [], []

    def run():
        try:
            barrier.wait()
            results.append(sweep.run_checks(today=today))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    types = sorted(got.json["type"] for got in receiver.requests)
    # Two corrective actions, the acknowledgement of the two incidents, one readiness change.
    assert types == ["corrective_action.overdue"] * 2 + ["incident.overdue"] * 2 + [
        "readiness.changed"
    ]
    assert all(got.signature_valid(secret) for got in receiver.requests)
    assert sum(sum(r.values()) for r in results) == 5
    assert WebhookDelivery.objects.filter(status=Status.SUCCEEDED).count() == 5


@pytest.mark.django_db
def test_a_finished_evidence_pack_is_sent(officer, receiver, django_capture_on_commit_callbacks):
    from audits.packs import services as pack_services

    _, secret = subscribe(officer, receiver.url, [Event.EVIDENCE_PACK_READY])
    with django_capture_on_commit_callbacks(execute=True):
        pack = pack_services.evidence_pack_request(actor=officer, scope="whole")
    pack.refresh_from_db()

    assert pack.status == pack.Status.READY
    (got,) = receiver.requests
    assert got.signature_valid(secret)
    assert got.json["type"] == "evidence_pack.ready"
    sent = got.json["data"]["pack"]
    assert sent["reference"] == pack.reference and sent["scope"] == "whole"
    assert sent["system"] is None
    assert sent["page_count"] == pack.page_count > 0
    assert sent["pdf_sha256"] == pack.pdf_sha256
    assert sent["url"].endswith(f"/audits/packs/{pack.pk}/")


@pytest.mark.django_db
def test_the_sweep_events_payloads_are_in_the_schema(officer, api_as):
    schema = api_as(officer).get(reverse("schema"), {"format": "json"}).json()
    components = schema["components"]["schemas"]
    for name in ("CorrectiveActionOverdueData", "IncidentOverdueData", "ReadinessChangedData",
                 "EvidencePackReadyData"):  # fmt: skip
        assert components[name]["properties"], name
    assert set(components["ReadinessChangedData"]["properties"]) == {"readiness", "previous"}
    capa = components["CorrectiveActionOverdueData"]["properties"]
    assert set(capa) == {"corrective_action", "days_overdue"}
    assert components["WebhookReadinessChangedEvent"]["properties"]["data"]["$ref"].endswith(
        "/ReadinessChangedData"
    )
