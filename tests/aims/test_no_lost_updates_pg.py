"""No lost updates under real concurrency, on PostgreSQL: two requests or two service calls in
their own threads and database connections, at the same moment.

Each race holds the first writer's transaction open a little after its write (``slowly``), so
the other racer arrives while the first is still uncommitted: only the row lock taken before
the check (aims.concurrency.check_version, the services' ``select_for_update``) stops the
second from passing on what it read before the first committed. Exactly one wins.
"""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from aims.concurrency import VERSION_FIELD, current_version
from aims.errors import BusinessRuleError
from incidents import services as incident_services
from incidents.models import Incident
from inventory import services
from inventory.models import AISystem, Approval
from inventory.models import LifecycleStage as Stage
from tests.factories import INTAKE_DATA, make_system

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks of PostgreSQL"),
    # Threads use their own connections: the data must be committed, then put back.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

HOLD = 0.4  # seconds the first writer keeps its transaction open after writing


def race(*calls):
    """Run ``calls`` in threads released together; each result is ("ok", value) or
    ("refused", exception). Every thread closes its own database connection."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = ("ok", call())
        except BusinessRuleError as exc:
            results[i] = ("refused", exc)
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[i] = ("error", exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a racer hung"
    assert not [r for r in results if r[0] == "error"], results
    return results


def slowly(fn):
    """``fn`` inside a transaction kept open ``HOLD`` seconds after it returns."""

    def run(**kwargs):
        with transaction.atomic():
            result = fn(**kwargs)
            time.sleep(HOLD)
        return result

    return run


def outcomes(results) -> list[str]:
    return sorted(kind for kind, _ in results)


def test_two_officers_start_triage_of_one_system_and_one_wins(owner, officer, officer2):
    system = make_system(owner)
    triage = slowly(services.system_transition)
    results = race(
        lambda: triage(actor=officer, system=system, action="start_triage"),
        lambda: triage(actor=officer2, system=system, action="start_triage"),
    )
    assert outcomes(results) == ["ok", "refused"]
    refusal = next(value for kind, value in results if kind == "refused")
    assert refusal.status_code == 409 and refusal.message  # the reason, in words
    system.refresh_from_db()
    assert system.lifecycle_stage == Stage.IN_TRIAGE
    assert AISystem.history.filter(id=system.pk, history_change_reason__icontains="triage").count()


def test_two_approvers_decide_one_gate_and_one_decision_counts(owner, officer, approver, approver2):
    system = make_system(owner)
    services.system_transition(actor=officer, system=system, action="start_triage")
    decide = slowly(services.approval_decide)
    results = race(
        lambda: decide(actor=approver, system=system, decision="approve"),
        lambda: decide(actor=approver2, system=system, decision="reject", comment="Too risky."),
    )
    assert outcomes(results) == ["ok", "refused"]
    assert Approval.objects.filter(system=system).count() == 1
    winner = Approval.objects.get(system=system)
    system.refresh_from_db()
    expected = Stage.APPROVED_FOR_DEVELOPMENT if winner.decision == "approve" else Stage.REJECTED
    assert system.lifecycle_stage == expected


def test_two_officers_triage_one_incident_and_one_wins(owner, officer, officer2):
    system = make_system(owner)
    incident = incident_services.incident_report(
        actor=owner,
        system=system,
        title="Chatbot gave dangerous advice",
        description="A user was told to double a medication dose.",
        detection_channel="user_complaint",
        category="harmful_output",
        severity="sev3",
    )
    move = slowly(incident_services.incident_transition)
    results = race(
        lambda: move(actor=officer, incident=incident, action="triage"),
        lambda: move(actor=officer2, incident=incident, action="triage"),
    )
    assert outcomes(results) == ["ok", "refused"]
    refusal = next(value for kind, value in results if kind == "refused")
    assert refusal.code == "transition_not_allowed"
    assert Incident.objects.get(pk=incident.pk).status == "triaged"
    assert (
        Incident.history.filter(id=incident.pk, history_change_reason__icontains="triage").count()
        == 1
    )


def test_two_stale_api_writes_one_wins_the_other_412(owner, officer, monkeypatch):
    system = make_system(owner)
    url = reverse("api:system-detail", args=[system.pk])
    reader = APIClient()
    reader.force_authenticate(officer)
    tag = reader.get(url)["ETag"]
    monkeypatch.setattr(services, "system_edit", slowly(services.system_edit))

    def patch(user, name):
        client = APIClient()
        client.force_authenticate(user)
        return client.patch(url, {"name": name}, format="json", HTTP_IF_MATCH=tag)

    results = race(lambda: patch(officer, "Officer's name"), lambda: patch(owner, "Owner's name"))
    statuses = sorted(response.status_code for _, response in results)
    assert statuses == [200, 412], statuses
    winner = next(r for _, r in results if r.status_code == 200).json()["name"]
    loser = next(r for _, r in results if r.status_code == 412).json()
    assert loser["code"] == "stale_version" and loser["extra"]["changed_fields"] == ["name"]
    system.refresh_from_db()
    assert system.name == winner  # the winner's write stands, not overwritten


def test_two_stale_form_saves_one_wins_the_other_is_shown_the_change(owner, officer, monkeypatch):
    system = make_system(owner)
    url = reverse("inventory:system_edit", args=[system.pk])
    version = current_version(system)
    monkeypatch.setattr(services, "system_edit", slowly(services.system_edit))
    form = {
        **INTAKE_DATA,
        "user_facing": "",
        "used_in_eu": "on",
        "review_cadence_months": 12,
        "owner": owner.pk,
        VERSION_FIELD: version,
    }

    def post(user, risks):
        client = Client()
        client.force_login(user)
        return client.post(url, {**form, "known_risks": risks})

    results = race(
        lambda: post(officer, "Seen by the officer"), lambda: post(owner, "Seen by the owner")
    )
    statuses = sorted(response.status_code for _, response in results)
    assert statuses == [302, 409], statuses
    refused = next(r for _, r in results if r.status_code == 409).content.decode()
    assert "changed by someone else" in refused
    system.refresh_from_db()
    assert system.known_risks in ("Seen by the officer", "Seen by the owner")
    assert system.known_risks in refused  # the winner's value, shown to the loser
