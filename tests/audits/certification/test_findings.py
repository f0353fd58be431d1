"""Findings of the certification body: recording (a clause at least; a nonconformity's
deadline and owner, and its corrective action), the response flow (respond, close, reopen),
overdue escalation and reminders, and who sees what."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aims.errors import RuleForbidden, TransitionNotAllowed
from aims.models import CorrectiveAction, Notification
from aims.reminders.sweep import run_sweep
from aims.visibility import can
from audits.certification import findings as services
from audits.certification.finding_reminders import KIND as REMINDER_KIND
from audits.certification.finding_reminders import escalate_overdue_external_findings
from audits.models import ExternalAudit, ExternalFinding, FindingResponse

from .helpers import clause, make_audit

pytestmark = pytest.mark.django_db
Kind, Status = ExternalFinding.Kind, ExternalFinding.Status
TODAY = date.today()
DUE = TODAY + timedelta(days=30)


@pytest.fixture
def audit(officer):
    return make_audit(officer)


@pytest.fixture
def risk_clause(db):
    return clause("6.1.2", "AI risk assessment", kind="clause")


@pytest.fixture
def control(db):
    return clause("A.6.2.8", "AI system recording of event logs")


def record(officer, audit, owner, clauses, kind=Kind.MAJOR, due=DUE, **extra):
    return services.record_finding(
        audit=audit,
        actor=officer,
        kind=kind,
        title=extra.pop("title", "Risk assessment not repeated"),
        description="The risk assessment was not repeated after the model change.",
        clauses=clauses,
        response_due=due,
        owner=owner,
        **extra,
    )


@pytest.fixture
def major(officer, audit, owner, risk_clause):
    return record(officer, audit, owner, [risk_clause])


def respond(actor, finding, **overrides):
    data = {
        "correction": "Risk assessment repeated on the changed model.",
        "root_cause": "The change procedure did not trigger a new assessment.",
        "corrective_action_taken": "The change procedure now requires one.",
        "sent_on": TODAY,
    }
    data.update(overrides)
    return services.send_response(finding=finding, actor=actor, **data)


# --- Recording ------------------------------------------------------------------------------


def test_a_nonconformity_opens_a_corrective_action_with_the_bodys_deadline(major, owner):
    assert major.reference == f"EXF-{major.pk:04d}"
    capa = major.corrective_action
    assert capa is not None
    capa = CorrectiveAction.objects.get(pk=capa.pk)
    assert capa.due_date == DUE
    assert capa.owner == owner
    assert capa.source == major
    assert major.reference in capa.title and "6.1.2" in capa.nonconformity
    reasons = list(major.history.values_list("history_change_reason", flat=True))
    assert any("recorded in" in (r or "") for r in reasons)


def test_an_opportunity_for_improvement_opens_none_and_needs_no_deadline(officer, audit, control):
    ofi = record(officer, audit, None, [control], kind=Kind.OFI, due=None)
    assert ofi.corrective_action is None
    assert CorrectiveAction.objects.count() == 0


def test_a_finding_without_a_clause_is_refused_on_the_clauses_field(officer, audit, owner):
    with pytest.raises(ValidationError) as exc:
        record(officer, audit, owner, [])
    assert "clauses" in exc.value.message_dict
    assert ExternalFinding.objects.count() == 0


def test_a_nonconformity_needs_a_deadline_and_an_owner(officer, audit, risk_clause):
    with pytest.raises(ValidationError) as exc:
        record(officer, audit, None, [risk_clause], due=None)
    assert set(exc.value.message_dict) == {"response_due", "owner"}
    assert ExternalFinding.objects.count() == 0 and CorrectiveAction.objects.count() == 0


def test_the_deadline_cannot_be_before_the_audit_started(officer, audit, owner, risk_clause):
    with pytest.raises(ValidationError) as exc:
        record(officer, audit, owner, [risk_clause], due=audit.start_date - timedelta(days=1))
    assert "response_due" in exc.value.message_dict


def test_findings_are_refused_on_a_cancelled_audit(officer, owner, risk_clause):
    cancelled = make_audit(officer, status=ExternalAudit.Status.CANCELLED)
    with pytest.raises(TransitionNotAllowed) as exc:
        record(officer, cancelled, owner, [risk_clause])
    assert "cancelled" in exc.value.message


def test_an_auditor_or_approver_cannot_record(auditor, approver, audit, owner, risk_clause):
    for user in (auditor, approver):
        with pytest.raises(RuleForbidden):
            record(user, audit, owner, [risk_clause])


def test_edit_while_open_and_a_new_deadline_clears_the_escalation(officer, major, control):
    ExternalFinding.objects.filter(pk=major.pk).update(escalated_at="2026-01-01T00:00:00Z")
    later = DUE + timedelta(days=10)
    services.update_finding(
        finding=major, actor=officer, data={"response_due": later, "clauses": [control]}
    )
    major.refresh_from_db()
    assert major.response_due == later and major.escalated_at is None
    assert [c.code for c in major.clauses.all()] == ["A.6.2.8"]
    assert major.history.first().history_change_reason.startswith("Edited: ")


def test_a_nonconformity_with_its_action_is_not_downgraded(officer, major):
    with pytest.raises(TransitionNotAllowed):
        services.update_finding(
            finding=major, actor=officer, data={"kind": Kind.OFI, "response_due": None}
        )


# --- Responses and the body's decision ------------------------------------------------------


def test_the_owner_answers_and_the_officer_closes(officer, owner, major):
    response = respond(owner, major)
    major.refresh_from_db()
    assert major.status == Status.RESPONDED and response.sent_by == owner
    assert major.history.first().history_change_reason.startswith("Response sent")
    closed = services.close_finding(finding=major, actor=officer, note="Accepted by mail")
    assert closed.status == Status.CLOSED and closed.closure_note == "Accepted by mail"


def test_a_nonconformity_closes_only_after_a_response(officer, major):
    history = major.history.count()
    with pytest.raises(TransitionNotAllowed) as exc:
        services.close_finding(finding=major, actor=officer)
    assert "response" in exc.value.message
    major.refresh_from_db()
    assert major.status == Status.OPEN and major.history.count() == history


def test_an_ofi_closes_at_once_but_is_never_answered(officer, audit, control):
    ofi = record(officer, audit, None, [control], kind=Kind.OFI, due=None)
    with pytest.raises(TransitionNotAllowed) as exc:
        respond(officer, ofi)
    assert exc.value.code == "not_a_nonconformity"
    assert services.close_finding(finding=ofi, actor=officer).status == Status.CLOSED


def test_a_closed_finding_takes_no_response(officer, owner, major):
    respond(owner, major)
    services.close_finding(finding=major, actor=officer)
    with pytest.raises(TransitionNotAllowed):
        respond(officer, major)
    assert FindingResponse.objects.count() == 1


def test_a_rejected_response_reopens_with_a_note(officer, owner, major):
    respond(owner, major)
    with pytest.raises(ValidationError):
        services.reopen_finding(finding=major, actor=officer, note=" ")
    reopened = services.reopen_finding(finding=major, actor=officer, note="Root cause too thin")
    assert reopened.status == Status.OPEN
    assert "Root cause too thin" in reopened.history.first().history_change_reason
    assert Notification.objects.filter(recipient=owner, title__contains="reopened").exists()


def test_response_validation(owner, major):
    with pytest.raises(ValidationError) as exc:
        respond(owner, major, correction="  ", sent_on=TODAY + timedelta(days=1))
    assert set(exc.value.message_dict) == {"correction", "sent_on"}
    major.refresh_from_db()
    assert major.status == Status.OPEN and FindingResponse.objects.count() == 0


def test_another_owner_cannot_answer(other_owner, major):
    with pytest.raises(RuleForbidden):
        respond(other_owner, major)


# --- Overdue: reminders and escalation ------------------------------------------------------


def test_overdue_findings_are_escalated_once_to_every_officer(officer, officer2, owner, audit):
    late = record(officer, audit, owner, [clause("6.1.2")], due=audit.start_date)
    assert late.is_overdue()
    assert escalate_overdue_external_findings.delay().get() == [late.pk]
    late.refresh_from_db()
    assert late.escalated_at is not None
    notes = Notification.objects.filter(title__contains=late.reference, title__startswith="Overdue")
    assert set(notes.values_list("recipient__username", flat=True)) == {"officer_t", "officer2_t"}
    assert "MAJOR" in notes.first().title
    assert services.escalate_overdue() == []  # idempotent
    assert notes.count() == 2
    assert late.history.first().history_change_reason.startswith("Escalated")


def test_a_responded_finding_is_not_escalated(officer, owner, audit):
    late = record(officer, audit, owner, [clause("6.1.2")], due=audit.start_date)
    respond(owner, late)
    assert services.escalate_overdue() == []


def test_the_owner_is_reminded_before_the_deadline(officer, owner, audit):
    soon = record(officer, audit, owner, [clause("6.1.2")], due=TODAY + timedelta(days=3))
    run_sweep(today=TODAY)
    notes = Notification.objects.filter(recipient=owner, dedupe_key__startswith=REMINDER_KIND)
    assert notes.count() == 1 and soon.reference in notes.get().title
    run_sweep(today=TODAY)
    assert notes.count() == 1


# --- Visibility -----------------------------------------------------------------------------


def test_the_owner_sees_their_own_finding_and_another_owner_does_not(
    owner, other_owner, major, client_as
):
    assert can(owner, "view", major) and not can(other_owner, "view", major)
    url = reverse("certification:finding_detail", args=[major.pk])
    assert client_as(owner).get(url).status_code == 200
    assert client_as(other_owner).get(url).status_code == 404
    # The corrective action follows its owner.
    assert can(owner, "view", CorrectiveAction.objects.get(pk=major.corrective_action_id))


def test_responses_follow_their_finding(owner, other_owner, major):
    response = respond(owner, major)
    assert list(FindingResponse.objects.restrict(owner, "view")) == [response]
    assert not FindingResponse.objects.restrict(other_owner, "view").exists()
