from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from aims.capa import services as capa_services
from aims.errors import RuleForbidden, TransitionNotAllowed
from aims.evidence.services import evidence_create
from aims.models import Notification
from incidents import services
from incidents.models import Incident, IncidentEvent, IncidentTimeTarget, SeriousCase, Status
from incidents.time_target_services import time_target_update
from inventory.models import AISystem

from ..factories import make_system
from .conftest import ago, open_capa

pytestmark = pytest.mark.django_db


def recipients_of(title_part: str) -> set[str]:
    return set(
        Notification.objects.filter(title__contains=title_part).values_list(
            "recipient__username", flat=True
        )
    )


def walk(incident, actor, *actions):
    notes = {"contain": "Feature switched off", "resolve": "Prompt lacked a guard", "close": "Ok"}
    for action in actions:
        incident = services.incident_transition(
            actor=actor, incident=incident, action=action, note=notes.get(action, "")
        )
    return incident


# --- Reporting and escalation ---------------------------------------------------------------


def test_report_starts_the_timeline_and_notifies_owner_and_officers(report, owner, officer):
    incident = report()
    assert incident.reference == f"INC-{incident.pk:04d}"
    assert incident.status == Status.REPORTED and incident.reporter == owner
    assert incident.owner == owner  # the system owner by default
    assert list(incident.systems.all()) == [incident.system]
    assert IncidentEvent.objects.filter(incident=incident, kind="reported").count() == 1
    assert recipients_of(incident.reference) == {"owner_t", "officer_t"}
    history = incident.history.first()
    assert history.history_user == owner and history.history_change_reason


def test_sev1_and_sev2_also_notify_approvers(report):
    incident = report(severity="sev2")
    assert recipients_of(incident.reference) == {"owner_t", "officer_t", "approver_t"}


def test_owners_of_every_affected_system_are_told(report, other_owner, officer):
    second = make_system(other_owner, name="Second")
    incident = report(actor=officer, other_systems=[second])
    assert {"owner_t", "owner2_t", "officer_t"} <= recipients_of(incident.reference)
    assert set(incident.systems.all()) == {incident.system, second}


def test_severity_raise_escalates_and_lowering_does_not(report, owner):
    incident = report(severity="sev3")
    Notification.objects.all().delete()
    incident = services.incident_set_severity(
        actor=owner, incident=incident, severity="sev1", reason="People harmed"
    )
    assert recipients_of(incident.reference) == {"owner_t", "officer_t", "approver_t"}
    Notification.objects.all().delete()
    services.incident_set_severity(actor=owner, incident=incident, severity="sev4", reason="No")
    assert not Notification.objects.exists()
    kinds = list(incident.events.values_list("kind", flat=True))
    assert kinds == ["reported", "severity", "severity"]


def test_cannot_report_on_a_system_out_of_reach(report, other_owner):
    foreign = make_system(other_owner, name="Foreign")
    with pytest.raises(ValidationError) as exc:
        report(system=foreign)
    assert "system" in exc.value.message_dict
    assert not Incident.objects.exists()


def test_people_without_a_role_cannot_report(report, nobody):
    with pytest.raises(RuleForbidden):
        report(actor=nobody)


def test_awareness_in_the_future_is_refused(report):
    with pytest.raises(ValidationError):
        report(aware_at=timezone.now() + timedelta(days=1))


# --- Workflow -------------------------------------------------------------------------------


def test_full_workflow_with_timestamps_and_reopen(report, owner):
    incident = walk(report(), owner, "triage", "investigate", "contain", "resolve")
    assert incident.status == Status.RESOLVED
    assert incident.acknowledged_at and incident.contained_at and incident.resolved_at
    assert incident.containment == "Feature switched off"
    assert incident.root_cause == "Prompt lacked a guard"
    incident = walk(incident, owner, "close")
    assert incident.status == Status.CLOSED and incident.closed_at
    incident = services.incident_transition(
        actor=owner, incident=incident, action="reopen", note="It happened again"
    )
    assert incident.status == Status.INVESTIGATING
    assert incident.closed_at is None and incident.resolved_at is None
    assert incident.events.count() == 7


@pytest.mark.parametrize(
    "steps,action",
    [
        ((), "contain"),
        ((), "resolve"),
        ((), "close"),
        ((), "reopen"),
        (("triage",), "triage"),
        (("triage", "contain"), "investigate"),
    ],
)
def test_refused_transitions_say_why(report, owner, steps, action):
    incident = walk(report(), owner, *steps)
    with pytest.raises(TransitionNotAllowed) as exc:
        services.incident_transition(actor=owner, incident=incident, action=action, note="x")
    assert exc.value.status_code == 409 and "not possible" in exc.value.message


def test_contain_needs_a_containment_description(report, owner):
    incident = walk(report(), owner, "triage")
    with pytest.raises(ValidationError):
        services.incident_transition(actor=owner, incident=incident, action="contain")
    incident.refresh_from_db()
    assert incident.status == Status.TRIAGED


def test_unknown_action_is_refused(report, owner):
    with pytest.raises(TransitionNotAllowed):
        services.incident_transition(actor=owner, incident=report(), action="explode")


@pytest.mark.parametrize("who", ["approver", "auditor", "other_owner"])
def test_only_owner_and_officers_move_an_incident(report, request, who):
    user = request.getfixturevalue(who)
    with pytest.raises(RuleForbidden):
        services.incident_transition(actor=user, incident=report(), action="triage")


@pytest.mark.parametrize("severity", ["sev1", "sev2"])
def test_sev1_sev2_need_a_corrective_action_before_closing(report, owner, officer, severity):
    incident = walk(report(severity=severity), owner, "triage", "contain", "resolve")
    with pytest.raises(TransitionNotAllowed) as exc:
        walk(incident, owner, "close")
    assert exc.value.code == "close_prerequisites_missing"
    capa = open_capa(officer, incident, owner=owner)
    capa_services.capa_transition(actor=owner, capa=capa, action="implement")
    if severity == "sev1":
        verify(officer, capa)
    assert walk(incident, owner, "close").status == Status.CLOSED


def verify(verifier, capa):
    evidence_create(actor=verifier, target=capa, title="Re-test", url="https://example.org/t")
    return capa_services.capa_verify(actor=verifier, capa=capa, effective=True, notes="Re-tested")


@pytest.mark.parametrize(
    "severity,steps,closes",
    [
        ("sev2", (), False),  # open
        ("sev2", ("start",), False),  # in progress
        ("sev2", ("implement",), True),
        ("sev1", ("implement",), False),  # implemented but not verified effective
        ("sev1", ("implement", "verify"), True),
        ("sev3", (), True),  # the rule binds the severe incidents only
    ],
)
def test_a_severe_incident_closes_only_when_its_corrective_actions_are_done(
    report, owner, officer, severity, steps, closes
):
    incident = walk(report(severity=severity), owner, "triage", "contain", "resolve")
    capa = open_capa(officer, incident, owner=owner)
    for step in steps:
        if step == "verify":
            verify(officer, capa)
        else:
            capa_services.capa_transition(actor=owner, capa=capa, action=step)
    events = incident.events.count()
    if closes:
        assert walk(incident, owner, "close").status == Status.CLOSED
        return
    with pytest.raises(TransitionNotAllowed) as exc:
        walk(incident, owner, "close")
    assert exc.value.code == "close_prerequisites_missing"
    assert capa.reference in exc.value.message
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED and incident.closed_at is None
    assert incident.events.count() == events


def test_closing_with_an_open_corrective_action_is_refused_through_the_api(
    report, owner, officer, api_as
):
    incident = walk(report(severity="sev1"), owner, "triage", "contain", "resolve")
    capa = open_capa(officer, incident, owner=owner)
    response = api_as(owner).post(
        reverse("api:incident-transition", args=[incident.pk]),
        {"action": "close", "note": "Done"},
        format="json",
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "close_prerequisites_missing"
    assert capa.reference in body["message"]
    incident.refresh_from_db()
    assert incident.status == Status.RESOLVED


def test_sev3_closes_without_corrective_action(report, owner):
    incident = walk(report(severity="sev3"), owner, "triage", "contain", "resolve", "close")
    assert incident.status == Status.CLOSED


# --- Time targets ---------------------------------------------------------------------------


def test_overdue_targets_on_incident_and_in_sql(report, owner):
    incident = report(severity="sev1")
    Incident.objects.filter(pk=incident.pk).update(created_at=ago(hours=5))
    incident.refresh_from_db()
    assert incident.overdue_stages() == ["acknowledge", "contain"]
    overdue = Incident.objects.filter(services_overdue())
    assert list(overdue) == [incident]
    incident = walk(incident, owner, "triage", "contain")
    assert incident.overdue_stages() == []
    assert not Incident.objects.filter(services_overdue()).exists()


def services_overdue():
    from incidents.models import overdue_q

    return overdue_q()


def test_time_targets_are_configurable(report, officer, settings):
    """Officers set the targets as records; INCIDENT_TIME_TARGETS only seeds them (migration)
    and stands in for a severity that has no record."""
    incident = report(severity="sev4")
    Incident.objects.filter(pk=incident.pk).update(created_at=ago(hours=2))
    incident.refresh_from_db()
    assert incident.overdue_stages() == []
    settings.INCIDENT_TIME_TARGETS = {"sev4": {"acknowledge": 1}}
    assert incident.overdue_stages() == []  # the seeded record wins over a later setting
    target = IncidentTimeTarget.objects.get(severity="sev4")
    time_target_update(actor=officer, target=target, data={"acknowledge_hours": 1})
    assert incident.overdue_stages() == ["acknowledge"]
    target.delete()
    settings.INCIDENT_TIME_TARGETS = {"sev4": {"contain": 1}}
    assert incident.overdue_stages() == ["contain"]  # no record: built-in merged with setting


# --- Regulatory clock -----------------------------------------------------------------------


def make_high_risk(system):
    AISystem.objects.filter(pk=system.pk).update(risk_tier="high")


AWARE = timezone.make_aware(datetime(2026, 3, 2, 9, 30))


@pytest.mark.parametrize(
    "case,deadline",
    [
        (SeriousCase.GENERAL, date(2026, 3, 17)),  # 15 days
        (SeriousCase.DEATH, date(2026, 3, 12)),  # 10 days
        (SeriousCase.WIDESPREAD, date(2026, 3, 4)),  # 2 days
        (SeriousCase.CRITICAL_INFRASTRUCTURE, date(2026, 3, 4)),  # 2 days
    ],
)
def test_article_73_deadline_counts_from_awareness(report, officer, system, case, deadline):
    make_high_risk(system)
    incident = report(aware_at=AWARE)
    incident = services.incident_mark_serious(actor=officer, incident=incident, case=case)
    assert incident.reporting_deadline == deadline
    assert (
        incident.reporting_days_left(today=date(2026, 3, 3)) == (deadline - date(2026, 3, 3)).days
    )
    assert incident.events.filter(kind="serious").exists()


def test_clock_refused_for_systems_not_high_risk(report, officer):
    with pytest.raises(TransitionNotAllowed) as exc:
        services.incident_mark_serious(actor=officer, incident=report(), case="general")
    assert exc.value.code == "not_high_risk"


def test_flagged_by_hand_applies_the_clock(report, officer):
    incident = report(flagged_high_risk=True, aware_at=AWARE)
    incident = services.incident_mark_serious(actor=officer, incident=incident, case="general")
    assert incident.reporting_deadline == date(2026, 3, 17)


def test_only_officers_mark_serious(report, owner, system):
    make_high_risk(system)
    with pytest.raises(RuleForbidden):
        services.incident_mark_serious(actor=owner, incident=report(), case="death")


def test_report_submission_is_recorded_and_needed_to_close(report, owner, officer, system):
    make_high_risk(system)
    incident = report(severity="sev3")
    incident = services.incident_mark_serious(actor=officer, incident=incident, case="general")
    incident = walk(incident, owner, "triage", "contain", "resolve")
    with pytest.raises(TransitionNotAllowed):
        walk(incident, owner, "close")
    incident = services.incident_record_report(
        actor=officer, incident=incident, reference="MSA-2026-117"
    )
    assert incident.report_submitted_at and incident.report_reference == "MSA-2026-117"
    assert incident.reporting_days_left() is None
    with pytest.raises(TransitionNotAllowed):
        services.incident_record_report(actor=officer, incident=incident, reference="again")
    assert walk(incident, owner, "close").status == Status.CLOSED


def test_report_needs_a_serious_incident(report, officer):
    with pytest.raises(TransitionNotAllowed):
        services.incident_record_report(actor=officer, incident=report(), reference="x")


def test_correcting_awareness_recomputes_the_deadline(report, officer, system):
    """A serious incident's awareness moves only by an officer's correction (issue 13, part
    6), which recomputes the clock; an edit of the details no longer does."""
    make_high_risk(system)
    incident = report(aware_at=AWARE)
    incident = services.incident_mark_serious(actor=officer, incident=incident, case="death")
    incident = services.incident_correct_awareness(
        actor=officer, incident=incident, aware_at=AWARE - timedelta(days=3), reason="Log found"
    )
    assert incident.reporting_deadline == date(2026, 3, 9)
    assert incident.report_due_at == AWARE - timedelta(days=3) + timedelta(hours=240)
    assert incident.aware_at_original == AWARE


def test_edit_records_what_changed_on_the_timeline(report, owner):
    incident = services.incident_update(
        actor=owner, incident=report(), data={"impact": "Two customers", "title": "Renamed"}
    )
    event = incident.events.get(kind="edited")
    assert "impact" in event.message and "title" in event.message
    assert incident.history.first().history_change_reason.startswith("Details edited")
    with pytest.raises(ValidationError):
        services.incident_update(
            actor=owner, incident=incident, data={"aware_at": timezone.now() + timedelta(days=3)}
        )


def test_the_incident_page_says_which_corrective_action_holds_the_close(
    report, owner, officer, client_as
):
    incident = walk(report(severity="sev2"), owner, "triage", "contain", "resolve")
    capa = open_capa(officer, incident, owner=owner)
    page = client_as(owner).get(incident.get_absolute_url()).content.decode()
    assert 'id="close-blockers"' in page
    assert f"must be implemented first ({capa.reference} not yet)" in page
