"""Bypass battery of the release rules (issue 13, parts 3-5), tried as a determined system
owner or approver would: through the service, the API (every method and action), the browser
form and the admin. Each attempt is refused with the rule's code and leaves the records and
their history rows as they were.

- a high-tier release needs a named human-oversight person with in-date training;
- an approver decides only with in-date approver training, or an officer's exception that
  has not expired; exceptions carry an end date and show in the gap list as they near it;
- on the high tier the validation that counts is performed or reviewed by someone other than
  the system's owner, and the owner cannot review their own;
- "approve with conditions" creates condition records; the next gate waits while one is
  open; the owner cannot waive one; reminders cover them.
"""

from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from aims.competence import services as competence_services
from aims.errors import RuleForbidden, TransitionNotAllowed
from aims.models import Course, ResponsibilityAssignment
from audits.soa.gaps import traceability_gaps
from inventory import services
from inventory.models import AISystem, Approval, ApprovalCondition, ValidationRecord
from inventory.reminders import approval_conditions
from risk import services as risk_services
from risk.models import ImpactAssessment, RiskAssessment

from ..factories import classify_confirmed, make_system

pytestmark = pytest.mark.django_db
TODAY = date.today()


# --- Set-up through the services ------------------------------------------------------------


def to_validation(system, officer, approver, owner):
    services.system_transition(actor=officer, system=system, action="start_triage")
    services.approval_decide(actor=approver, system=system, decision="approve")
    services.system_transition(actor=owner, system=system, action="start_validation")
    system.refresh_from_db()
    return system


def record_validation(system, actor, test_type="bias", result="pass"):
    return services.validation_record_create(
        actor=actor,
        system=system,
        test_type=test_type,
        title=f"{test_type} test",
        method="Holdout set of 1,200 applications",
        result=result,
        performed_on=TODAY,
    )


@pytest.fixture
def high_system(officer, approver, owner, system):
    """A high-tier system in validation with everything its release needs except an
    oversight person; its validations are recorded by the owner and reviewed by the officer."""
    classify_confirmed(officer=officer, system=system)
    risk_services.assessment_save(
        actor=owner,
        assessment=RiskAssessment(system=system),
        data={"title": "RA", "assessed_on": TODAY, "scope": "Ranking"},
    )
    impact = risk_services.impact_save(
        actor=owner,
        impact=ImpactAssessment(system=system),
        data={
            "title": "IA",
            "affected_individuals": "Applicants",
            "intended_use": "Shortlisting",
            "human_oversight_measures": "A recruiter reads every shortlisted CV",
            "conclusion": "Acceptable",
        },
    )
    risk_services.impact_sign_off(actor=approver, impact=impact)
    to_validation(system, officer, approver, owner)
    for test_type in ("bias", "accuracy"):
        record = record_validation(system, owner, test_type)
        services.validation_record_review(actor=officer, record=record, note="Checked")
    system.refresh_from_db()
    assert system.risk_tier == "high"
    return system


@pytest.fixture
def oversight_course(officer) -> Course:
    course = competence_services.course_save(
        actor=officer,
        course=Course(),
        data={"title": "Human oversight of high-risk AI", "validity_months": 12},
    )
    role = competence_services.responsibility_get(
        competence_services.HUMAN_OVERSIGHT, actor=officer
    )
    competence_services.responsibility_save(
        actor=officer, responsibility=role, data={}, required_courses=[course]
    )
    return course


@pytest.fixture
def approver_course(officer) -> Course:
    course = competence_services.course_save(
        actor=officer,
        course=Course(),
        data={"title": "AI committee approver training", "validity_months": 36},
    )
    role = competence_services.responsibility_get(competence_services.APPROVER, actor=officer)
    competence_services.responsibility_save(
        actor=officer, responsibility=role, data={}, required_courses=[course]
    )
    return course


def train(officer, person, course, days_ago=10):
    return competence_services.training_record_create(
        actor=officer, user=person, course=course, completed_on=TODAY - timedelta(days=days_ago)
    )


def snapshot(system):
    """What a refused attempt must leave as it was."""
    return (
        Approval.objects.filter(system=system).count(),
        Approval.history.filter(system_id=system.pk).count(),
        AISystem.history.filter(id=system.pk).count(),
        ApprovalCondition.history.filter(system_id=system.pk).count(),
        AISystem.objects.get(pk=system.pk).lifecycle_stage,
    )


def decide_url(system):
    return reverse("api:system-decide", args=[system.pk])


# --- Part 3: a high-tier release needs a trained oversight person ---------------------------


def test_service_refuses_a_high_tier_release_without_an_oversight_person(approver, high_system):
    before = snapshot(high_system)
    with pytest.raises(TransitionNotAllowed) as caught:
        services.approval_decide(actor=approver, system=high_system, decision="approve")
    assert caught.value.code == "release_prerequisites_missing"
    assert caught.value.extra["reasons"] == ["oversight_not_assured"]
    assert any("No human-oversight person is named" in m for m in caught.value.extra["missing"])
    assert snapshot(high_system) == before


@pytest.mark.parametrize("decision", ["approve", "approve_with_conditions"])
def test_api_decide_refuses_the_release_without_an_oversight_person(
    api_as, approver, high_system, decision
):
    before = snapshot(high_system)
    payload = {"decision": decision}
    if decision == "approve_with_conditions":
        payload["conditions"] = [{"text": "Monthly bias report", "due_on": str(TODAY)}]
    response = api_as(approver).post(decide_url(high_system), payload, format="json")
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "release_prerequisites_missing"
    assert "oversight_not_assured" in body["extra"]["reasons"]
    assert snapshot(high_system) == before
    blockers = api_as(approver).get(reverse("api:system-release-blockers", args=[high_system.pk]))
    assert any("oversight person" in b for b in blockers.json()["blockers"])


def test_browser_form_refuses_the_release_and_the_page_lists_the_item(
    client_as, approver, high_system
):
    client = client_as(approver)
    gates = client.get(reverse("inventory:system_tab", args=[high_system.pk, "gates"]))
    assert "No human-oversight person is named" in gates.content.decode()
    risk_page = client.get(reverse("risk:system_risk", args=[high_system.pk])).content.decode()
    assert "Named human-oversight person with in-date training" in risk_page
    before = snapshot(high_system)
    response = client.post(
        reverse("inventory:approval_decide", args=[high_system.pk]), {"decision": "approve"}
    )
    assert response.status_code == 409
    assert "No human-oversight person is named" in response.content.decode()
    assert snapshot(high_system) == before


def test_an_oversight_person_whose_training_lapsed_does_not_count(
    officer, owner, other_owner, approver, approver2, high_system, oversight_course
):
    record = train(officer, other_owner, oversight_course)
    services.system_update(actor=owner, system=high_system, data={"oversight_person": other_owner})
    high_system.refresh_from_db()
    assert services.oversight_gap(high_system) is None
    # The training lapses after they were named: the release gate notices.
    type(record).objects.filter(pk=record.pk).update(expires_on=TODAY - timedelta(days=1))
    high_system.refresh_from_db()
    gap = services.oversight_gap(high_system)
    assert gap is not None and gap.code == "oversight_not_assured"
    assert "Human oversight of high-risk AI" in gap
    before = snapshot(high_system)
    with pytest.raises(TransitionNotAllowed):
        services.approval_decide(actor=approver, system=high_system, decision="approve")
    assert snapshot(high_system) == before
    # Renewed training: the release goes through with the tier's two approvals.
    train(officer, other_owner, oversight_course, days_ago=1)
    services.approval_decide(actor=approver, system=high_system, decision="approve")
    services.approval_decide(actor=approver2, system=high_system, decision="approve")
    high_system.refresh_from_db()
    assert high_system.lifecycle_stage == "deployed"


def test_the_requirement_is_configurable_per_tier(officer, approver, high_system):
    from risk.models import TierRequirement

    requirement = TierRequirement.objects.get(tier="high", gate="release")
    assert requirement.oversight_person and requirement.independent_validation
    risk_services.tier_requirement_update(
        actor=officer, requirement=requirement, data={"oversight_person": False}
    )
    assert not any("oversight" in b for b in services.gate_blockers(high_system, "release"))


# --- Part 3: approvers decide only with in-date training or an unexpired exception ----------


def test_an_untrained_approver_is_refused_everywhere(
    api_as, client_as, officer, approver, owner, system, approver_course
):
    services.system_transition(actor=officer, system=system, action="start_triage")
    system.refresh_from_db()
    before = snapshot(system)
    refusal = services.gate_decision_refusal(approver, system)
    assert refusal is not None and refusal.code == "approver_training_missing"
    assert not services.can_decide_gate(approver, system)
    with pytest.raises(competence_services.TrainingMissing) as caught:
        services.approval_decide(actor=approver, system=system, decision="approve")
    assert caught.value.code == "approver_training_missing"
    assert caught.value.extra["missing"] == ["AI committee approver training"]

    response = api_as(approver).post(decide_url(system), {"decision": "approve"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "approver_training_missing"

    client = client_as(approver)
    form_url = reverse("inventory:approval_decide", args=[system.pk])
    offered = client.get(form_url)
    assert "AI committee approver training" in offered.content.decode()
    assert 'id="decision-form"' not in offered.content.decode()  # the form is not offered
    gates = client.get(reverse("inventory:system_tab", args=[system.pk, "gates"])).content
    assert b"Record your decision" not in gates and b"decision-refusal" in gates
    posted = client.post(form_url, {"decision": "approve"})
    assert posted.status_code == 409
    assert snapshot(system) == before


def test_the_dashboard_tells_an_untrained_approver_why_before_they_open_a_gate(
    client_as, officer, approver, system, approver_course
):
    services.system_transition(actor=officer, system=system, action="start_triage")
    page = client_as(approver).get(reverse("aims:dashboard")).content.decode()
    assert system.reference in page and 'id="decide-blocked"' in page
    assert "AI committee approver training" in page
    train(officer, approver, approver_course)
    page = client_as(approver).get(reverse("aims:dashboard")).content.decode()
    assert system.reference in page and 'id="decide-blocked"' not in page


def test_trained_approver_decides(officer, approver, system, approver_course):
    train(officer, approver, approver_course)
    services.system_transition(actor=officer, system=system, action="start_triage")
    services.approval_decide(actor=approver, system=system, decision="approve")
    assert Approval.objects.filter(system=system).count() == 1


def test_an_officer_exception_lets_the_approver_decide_until_it_expires(
    officer, approver, system, approver_course
):
    role = competence_services.responsibility_get(competence_services.APPROVER)
    assignment = competence_services.responsibility_assign(
        actor=officer,
        responsibility=role,
        user=approver,
        exception_reason="Course booked for next month",
        exception_expires_on=TODAY + timedelta(days=20),
    )
    services.system_transition(actor=officer, system=system, action="start_triage")
    system.refresh_from_db()
    assert services.can_decide_gate(approver, system)
    # Expired: it stops counting, and the gap list says so.
    ResponsibilityAssignment.objects.filter(pk=assignment.pk).update(
        exception_expires_on=TODAY - timedelta(days=1)
    )
    before = snapshot(system)
    with pytest.raises(competence_services.TrainingMissing) as caught:
        services.approval_decide(actor=approver, system=system, decision="approve")
    assert caught.value.code == "approver_training_missing"
    assert snapshot(system) == before
    kinds = {g.kind for g in traceability_gaps(user=officer)}
    assert {"training_exception_ending", "approver_not_trained"} <= kinds
    # Renewed by an officer: counts again.
    competence_services.assignment_record_exception(
        actor=officer,
        assignment=assignment,
        reason="Course moved",
        expires_on=TODAY + timedelta(days=10),
    )
    services.approval_decide(actor=approver, system=system, decision="approve")


def test_an_exception_nearing_its_end_is_in_the_gap_list(officer, approver, approver_course):
    role = competence_services.responsibility_get(competence_services.APPROVER)
    competence_services.responsibility_assign(
        actor=officer,
        responsibility=role,
        user=approver,
        exception_reason="Interim",
        exception_expires_on=TODAY + timedelta(days=5),
    )
    gaps = [g for g in traceability_gaps(user=officer) if g.kind == "training_exception_ending"]
    assert len(gaps) == 1 and "ends on" in gaps[0].message
    assert "approver_not_trained" not in {g.kind for g in traceability_gaps(user=officer)}


def test_an_exception_needs_an_end_date(api_as, client_as, officer, approver, approver_course):
    role = competence_services.responsibility_get(competence_services.APPROVER)
    with pytest.raises(ValidationError) as caught:
        competence_services.responsibility_assign(
            actor=officer, responsibility=role, user=approver, exception_reason="Interim"
        )
    assert "exception_expires_on" in caught.value.message_dict
    with pytest.raises(ValidationError):
        competence_services.responsibility_assign(
            actor=officer,
            responsibility=role,
            user=approver,
            exception_reason="Interim",
            exception_expires_on=TODAY,
        )
    response = api_as(officer).post(
        reverse("api:responsibilityassignment-list"),
        {"responsibility": role.pk, "user": approver.pk, "exception_reason": "Interim"},
        format="json",
    )
    assert response.status_code == 400
    assert "exception_expires_on" in response.content.decode()
    page = client_as(officer).post(
        reverse("competence:assignment_add", args=[role.pk]),
        {"user": approver.pk, "starts_on": TODAY.isoformat(), "exception_reason": "Interim"},
    )
    assert page.status_code == 400
    assert "Give the date the exception ends" in page.content.decode()
    assert not ResponsibilityAssignment.objects.filter(user=approver).exists()


def test_an_approver_cannot_grant_themselves_an_exception(api_as, approver, approver_course):
    role = competence_services.responsibility_get(competence_services.APPROVER)
    with pytest.raises(RuleForbidden):
        competence_services.responsibility_assign(
            actor=approver,
            responsibility=role,
            user=approver,
            exception_reason="Trust me",
            exception_expires_on=TODAY + timedelta(days=300),
        )
    assert not ResponsibilityAssignment.objects.filter(user=approver).exists()


# --- Part 4: independent validation ---------------------------------------------------------


def test_owner_recorded_validation_does_not_satisfy_a_high_tier_release(
    officer, owner, other_owner, approver, high_system
):
    services.system_update(actor=owner, system=high_system, data={"oversight_person": other_owner})
    retest = record_validation(high_system, owner, "bias")  # the latest bias test: unreviewed
    blockers = services.gate_blockers(high_system, "release")
    assert [getattr(b, "code", "") for b in blockers] == ["independent_review_missing"]
    assert retest.reference in blockers[0]
    before = snapshot(high_system)
    with pytest.raises(TransitionNotAllowed) as caught:
        services.approval_decide(actor=approver, system=high_system, decision="approve")
    assert caught.value.extra["reasons"] == ["independent_review_missing"]
    assert snapshot(high_system) == before
    services.validation_record_review(actor=approver, record=retest)
    assert services.gate_blockers(high_system, "release") == []


def test_a_validation_performed_by_someone_else_needs_no_review(officer, owner, high_system):
    record = record_validation(high_system, officer, "safety")
    assert record.is_independent
    assert record not in services.validations_needing_review(high_system)


def test_the_owner_cannot_review_their_own_validation(
    api_as, client_as, owner, officer, high_system
):
    record = record_validation(high_system, owner, "bias")
    history = record.history.count()
    with pytest.raises(RuleForbidden) as caught:
        services.validation_record_review(actor=owner, record=record)
    assert caught.value.code in ("segregation_of_duties", "permission_denied")

    url = reverse("api:validationrecord-review", args=[record.pk])
    response = api_as(owner).post(url, {"note": "Looks fine to me"}, format="json")
    assert response.status_code == 403

    form = reverse("inventory:validation_review", args=[high_system.pk, record.pk])
    client = client_as(owner)
    assert client.get(form).status_code == 403
    assert client.post(form, {"note": "Looks fine to me"}).status_code == 403
    tab = client.get(reverse("inventory:system_tab", args=[high_system.pk, "validation"]))
    assert b"Confirm review" not in tab.content

    record.refresh_from_db()
    assert record.reviewed_by is None and record.history.count() == history


def test_an_officer_who_owns_the_system_cannot_review_it(
    api_as, officer, approver, officer2, owner
):
    system = make_system(officer, name="Officer's own system")
    services.system_transition(actor=officer2, system=system, action="start_triage")
    services.approval_decide(actor=approver, system=system, decision="approve")
    services.system_transition(actor=officer, system=system, action="start_validation")
    record = record_validation(system, officer)
    response = api_as(officer).post(
        reverse("api:validationrecord-review", args=[record.pk]), {}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "segregation_of_duties"
    response = api_as(officer2).post(
        reverse("api:validationrecord-review", args=[record.pk]), {"note": "OK"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["reviewed_by"] == officer2.pk
    assert response.json()["is_independent"] is True
    again = api_as(approver).post(
        reverse("api:validationrecord-review", args=[record.pk]), {}, format="json"
    )
    assert again.status_code == 409 and again.json()["code"] == "already_reviewed"


def test_review_fields_cannot_be_written_through_the_api(api_as, owner, high_system):
    client = api_as(owner)
    response = client.post(
        reverse("api:validationrecord-list"),
        {
            "system": high_system.pk,
            "test_type": "bias",
            "title": "Self-reviewed",
            "method": "m",
            "result": "pass",
            "performed_on": str(TODAY),
            "reviewed_by": owner.pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert "reviewed_by" in response.json().get("extra", response.json()).__str__()
    record = ValidationRecord.objects.filter(system=high_system).first()
    for method in ("patch", "put"):
        answer = getattr(client, method)(
            reverse("api:validationrecord-detail", args=[record.pk]),
            {"reviewed_by": owner.pk},
            format="json",
        )
        assert answer.status_code == 405


def test_browser_review_by_an_approver(client_as, approver, owner, high_system):
    record = record_validation(high_system, owner, "bias")
    client = client_as(approver)
    tab = client.get(reverse("inventory:system_tab", args=[high_system.pk, "validation"]))
    assert b"Confirm review" in tab.content
    form = reverse("inventory:validation_review", args=[high_system.pk, record.pk])
    assert client.post(form, {"note": "Re-ran the notebook"}).status_code == 302
    record.refresh_from_db()
    assert record.reviewed_by == approver and record.review_note == "Re-ran the notebook"


# --- Part 5: conditions are tracked ---------------------------------------------------------


@pytest.fixture
def conditional_intake(officer, approver, owner, system):
    services.system_transition(actor=officer, system=system, action="start_triage")
    services.approval_decide(
        actor=approver,
        system=system,
        decision="approve_with_conditions",
        conditions="Run a bias test per job family\nRecruiters review every rejection",
        conditions_due_on=TODAY + timedelta(days=30),
    )
    services.system_transition(actor=owner, system=system, action="start_validation")
    record_validation(system, owner, "accuracy")
    system.refresh_from_db()
    return system


def test_approval_with_conditions_creates_records_with_owner_and_due_date(
    owner, conditional_intake
):
    conditions = list(ApprovalCondition.objects.filter(system=conditional_intake))
    assert [c.text for c in conditions] == [
        "Run a bias test per job family",
        "Recruiters review every rejection",
    ]
    assert {c.owner for c in conditions} == {owner}
    assert {c.due_on for c in conditions} == {TODAY + timedelta(days=30)}
    assert {c.status for c in conditions} == {"open"}


def test_conditions_need_a_due_date(officer, approver, system):
    services.system_transition(actor=officer, system=system, action="start_triage")
    before = snapshot(system)
    with pytest.raises(ValidationError) as caught:
        services.approval_decide(
            actor=approver, system=system, decision="approve_with_conditions", conditions="X"
        )
    assert "conditions_due_on" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.approval_decide(
            actor=approver,
            system=system,
            decision="approve_with_conditions",
            conditions="X",
            conditions_due_on=TODAY - timedelta(days=1),
        )
    assert snapshot(system) == before


def test_an_open_condition_blocks_the_next_gate(
    api_as, client_as, approver2, owner, conditional_intake
):
    system = conditional_intake
    before = snapshot(system)
    with pytest.raises(TransitionNotAllowed) as caught:
        services.approval_decide(actor=approver2, system=system, decision="approve")
    assert caught.value.extra["reasons"] == ["conditions_open"]
    response = api_as(approver2).post(decide_url(system), {"decision": "approve"}, format="json")
    assert response.status_code == 409
    assert response.json()["extra"]["reasons"] == ["conditions_open"]
    page = client_as(approver2).post(
        reverse("inventory:approval_decide", args=[system.pk]), {"decision": "approve"}
    )
    assert page.status_code == 409
    assert snapshot(system) == before
    # The owner meets them (one in the browser, one through the API): the release passes.
    first, second = ApprovalCondition.objects.filter(system=system)
    met = client_as(owner).post(
        reverse("inventory:condition_met", args=[system.pk, first.pk]),
        {"note": "Bias tests per job family attached", "evidence_url": "https://x.example/r"},
    )
    assert met.status_code == 302
    first.refresh_from_db()
    assert first.status == "met" and first.closed_by == owner and first.evidence.count() == 1
    answer = api_as(owner).post(
        reverse("api:approvalcondition-met", args=[second.pk]),
        {"note": "Rejections now need a recruiter's click"},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    services.approval_decide(actor=approver2, system=system, decision="approve")
    system.refresh_from_db()
    assert system.lifecycle_stage == "deployed"


def test_the_owner_cannot_waive_a_condition(api_as, client_as, owner, conditional_intake):
    condition = ApprovalCondition.objects.filter(system=conditional_intake).first()
    history = condition.history.count()
    with pytest.raises(RuleForbidden):
        services.condition_close(actor=owner, condition=condition, outcome="waived", note="No")
    response = api_as(owner).post(
        reverse("api:approvalcondition-waive", args=[condition.pk]),
        {"note": "Not needed"},
        format="json",
    )
    assert response.status_code == 403
    url = reverse("inventory:condition_waive", args=[conditional_intake.pk, condition.pk])
    client = client_as(owner)
    assert client.get(url).status_code == 403
    assert client.post(url, {"note": "Not needed"}).status_code == 403
    condition.refresh_from_db()
    assert condition.status == "open" and condition.history.count() == history


def test_only_the_condition_owner_marks_it_met_and_an_officer_waives(
    api_as, officer, approver, other_owner, conditional_intake
):
    condition = ApprovalCondition.objects.filter(system=conditional_intake).first()
    for user in (approver, other_owner, officer):
        with pytest.raises(RuleForbidden):
            services.condition_close(actor=user, condition=condition, outcome="met", note="Done")
    with pytest.raises(RuleForbidden):
        services.condition_close(actor=approver, condition=condition, outcome="waived", note="Fine")
    with pytest.raises(ValidationError):
        services.condition_close(actor=officer, condition=condition, outcome="waived", note="")
    waived = api_as(officer).post(
        reverse("api:approvalcondition-waive", args=[condition.pk]),
        {"note": "Superseded by the vendor's audit"},
        format="json",
    )
    assert waived.status_code == 200 and waived.json()["status"] == "waived"
    again = api_as(officer).post(
        reverse("api:approvalcondition-waive", args=[condition.pk]), {"note": "x"}, format="json"
    )
    assert again.status_code == 409 and again.json()["code"] == "already_closed"


def test_conditions_through_the_api_as_a_list(
    api_as, officer, approver, owner, other_owner, system
):
    services.system_transition(actor=officer, system=system, action="start_triage")
    response = api_as(approver).post(
        decide_url(system),
        {
            "decision": "approve_with_conditions",
            "conditions": [
                {"text": "DPIA signed", "due_on": str(TODAY + timedelta(days=10))},
                {
                    "text": "Vendor audit report",
                    "due_on": str(TODAY + timedelta(days=40)),
                    "owner": other_owner.pk,
                },
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert len(response.json()["condition_records"]) == 2
    rows = ApprovalCondition.objects.filter(system=system).order_by("due_on")
    assert [(c.text, c.owner) for c in rows] == [
        ("DPIA signed", owner),
        ("Vendor audit report", other_owner),
    ]
    # The named owner sees their condition; conditions are not writable through the API.
    listed = api_as(other_owner).get(reverse("api:approvalcondition-list"))
    assert [c["text"] for c in listed.json()["results"]] == ["Vendor audit report"]
    condition = rows[0]
    for method in ("patch", "put", "delete"):
        answer = getattr(api_as(owner), method)(
            reverse("api:approvalcondition-detail", args=[condition.pk]),
            {"status": "met"},
            format="json",
        )
        assert answer.status_code == 405
    post = api_as(owner).post(
        reverse("api:approvalcondition-list"), {"text": "Mine"}, format="json"
    )
    assert post.status_code == 405
    condition.refresh_from_db()
    assert condition.status == "open"


def test_conditions_are_shown_on_the_system_page(client_as, auditor, conditional_intake):
    page = client_as(auditor).get(
        reverse("inventory:system_tab", args=[conditional_intake.pk, "gates"])
    )
    content = page.content.decode()
    assert "Run a bias test per job family" in content and 'id="conditions"' in content
    assert "Mark met" not in content and "Waive" not in content


def test_reminders_cover_conditions(owner, conditional_intake):
    dues = list(approval_conditions(timezone.localdate(), 30))
    assert len(dues) == 2 and {d.recipient_id for d in dues} == {owner.pk}
    assert not list(approval_conditions(timezone.localdate(), 10))


# --- The admin inspects only ----------------------------------------------------------------


def test_the_admin_cannot_add_or_change_these_records(client, owner, conditional_intake):
    superuser = get_user_model().objects.create_superuser("root_t", "root@example.org", "x")
    client.force_login(superuser)
    condition = ApprovalCondition.objects.filter(system=conditional_intake).first()
    record = ValidationRecord.objects.filter(system=conditional_intake).first()
    assert client.get(reverse("admin:inventory_approvalcondition_add")).status_code == 403
    for url, data in (
        (
            reverse("admin:inventory_approvalcondition_change", args=[condition.pk]),
            {"text": "Changed", "owner": owner.pk, "due_on": str(TODAY)},
        ),
        (
            reverse("admin:inventory_validationrecord_change", args=[record.pk]),
            {"title": "Changed"},
        ),
    ):
        assert client.get(url).status_code == 200
        assert client.post(url, data).status_code == 403
    condition.refresh_from_db()
    record.refresh_from_db()
    assert condition.text != "Changed" and record.title != "Changed"
    assert record.reviewed_by is None


def test_the_expiring_page_lists_exceptions_and_an_officer_renews_one(
    client_as, officer, approver, approver_course
):
    role = competence_services.responsibility_get(competence_services.APPROVER)
    assignment = competence_services.responsibility_assign(
        actor=officer,
        responsibility=role,
        user=approver,
        exception_reason="Interim",
        exception_expires_on=TODAY + timedelta(days=5),
    )
    client = client_as(officer)
    page = client.get(reverse("competence:expiring")).content.decode()
    assert 'id="exceptions-table"' in page and "Interim" in page
    url = reverse("competence:assignment_exception", args=[assignment.pk])
    refused = client.post(url, {"reason": "Still booked"})
    assert (
        refused.status_code == 400
        and "Give the date the exception ends" in refused.content.decode()
    )
    renewed = client.post(
        url, {"reason": "Still booked", "expires_on": (TODAY + timedelta(days=90)).isoformat()}
    )
    assert renewed.status_code == 302
    assignment.refresh_from_db()
    assert assignment.exception_expires_on == TODAY + timedelta(days=90)
    # An approver may not renew their own exception.
    assert client_as(approver).post(url, {"reason": "x"}).status_code == 403
