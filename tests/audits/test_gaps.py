"""The gap list's traceability checks: each gap says what is wrong, what to do next and
links to the record to fix; nothing is reported that the user may not see."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aims.capa import services as capa_services
from audits.models import Finding, InternalAudit
from audits.soa import services
from audits.soa.gaps import gap_list, traceability_gaps
from incidents import services as incident_services
from inventory.models import AISystem
from risk import services as risk_services
from risk.models import ImpactAssessment, Risk, TierRequirement
from suppliers.models import Supplier

from ..factories import make_risk, make_system
from .soa_helpers import attach, statement

pytestmark = pytest.mark.django_db


def of_kind(gaps, kind: str) -> list:
    return [g for g in gaps if g.kind == kind]


def test_an_excluded_control_relied_on_by_a_risk(officer, owner, system):
    risk = make_risk(owner, system)
    s = statement("A.7.4")
    services.statement_update(
        actor=officer,
        statement=s,
        data={"applicable": False, "justification": "No training data", "risks": [risk]},
    )
    (gap,) = of_kind(traceability_gaps(user=officer), "excluded_relied_on")
    assert gap.record == "A.7.4" and gap.severity == "high"
    assert risk.reference in gap.message
    assert gap.url == reverse("soa:statement_detail", args=[s.pk])
    assert "Include the control" in gap.action
    # The same control, included again, is no longer a gap.
    services.statement_update(actor=officer, statement=s, data={"applicable": True})
    assert of_kind(traceability_gaps(user=officer), "excluded_relied_on") == []


def test_implemented_without_evidence_or_with_expired_evidence(officer):
    today = timezone.localdate()
    for code in ("A.4.2", "A.4.3"):
        services.statement_update(
            actor=officer, statement=statement(code), data={"implementation_status": "implemented"}
        )
    attach(officer, "A.4.3", valid_until=date(2025, 3, 31))
    gaps = {
        g.record: g
        for g in of_kind(traceability_gaps(user=officer), "implemented_without_evidence")
    }
    assert set(gaps) == {"A.4.2", "A.4.3"}
    assert "has no evidence" in gaps["A.4.2"].message
    assert "expired on 31 Mar 2025" in gaps["A.4.3"].message
    assert gaps["A.4.3"].url == reverse("soa:statement_detail", args=[statement("A.4.3").pk])
    attach(officer, "A.4.3", valid_until=today + timedelta(days=30))
    assert [
        g.record for g in of_kind(traceability_gaps(user=officer), "implemented_without_evidence")
    ] == ["A.4.2"]
    # No duplicate: the item shows once, as a traceability gap, not again as "not ready".
    assert [g.kind for g in gap_list(user=officer) if g.record == "A.4.2"] == [
        "implemented_without_evidence"
    ]


def test_a_deployed_system_whose_tier_needs_a_signed_off_impact_assessment(
    officer, approver, owner, system
):
    TierRequirement.objects.filter(tier="high").update(impact_assessment=True)
    AISystem.objects.filter(pk=system.pk).update(lifecycle_stage="deployed", risk_tier="high")
    (gap,) = of_kind(traceability_gaps(user=officer), "impact_assessment_missing")
    assert gap.record == system.reference
    assert gap.url == reverse("risk:system_risk", args=[system.pk])
    impact = risk_services.impact_save(
        actor=owner,
        impact=ImpactAssessment(system=system),
        data={
            "title": "IA",
            "affected_individuals": "Applicants",
            "intended_use": "Shortlisting",
            "conclusion": "Acceptable with oversight",
        },
    )
    assert of_kind(traceability_gaps(user=officer), "impact_assessment_missing")  # a draft
    risk_services.impact_sign_off(actor=approver, impact=impact)
    assert of_kind(traceability_gaps(user=officer), "impact_assessment_missing") == []


def test_a_low_tier_or_undeployed_system_needs_no_impact_assessment(officer, system):
    TierRequirement.objects.filter(tier="high").update(impact_assessment=True)
    TierRequirement.objects.filter(tier="low").update(impact_assessment=False)
    AISystem.objects.filter(pk=system.pk).update(lifecycle_stage="deployed", risk_tier="low")
    assert of_kind(traceability_gaps(user=officer), "impact_assessment_missing") == []
    AISystem.objects.filter(pk=system.pk).update(lifecycle_stage="in_validation", risk_tier="high")
    assert of_kind(traceability_gaps(user=officer), "impact_assessment_missing") == []


def test_overdue_reviews_of_systems_risks_and_suppliers(officer, owner, system):
    past = timezone.localdate() - timedelta(days=10)
    AISystem.objects.filter(pk=system.pk).update(next_review_date=past)
    risk = make_risk(owner, system)
    Risk.objects.filter(pk=risk.pk).update(review_date=past)
    supplier = Supplier.objects.create(
        name="Acme AI", supplier_type="model_provider", owner=officer, next_reassessment_date=past
    )
    Supplier.objects.create(
        name="Gone Ltd", supplier_type="model_provider", owner=officer,
        next_reassessment_date=past, status="offboarded",
    )  # fmt: skip
    gaps = {g.record: g for g in of_kind(traceability_gaps(user=officer), "review_overdue")}
    assert set(gaps) == {system.reference, risk.reference, supplier.reference}
    assert gaps[system.reference].url == reverse("inventory:system_detail", args=[system.pk])
    assert gaps[risk.reference].url == reverse("risk:risk_detail", args=[risk.pk])
    assert gaps[supplier.reference].url == reverse("suppliers:supplier_detail", args=[supplier.pk])
    assert f"{past:%d %b %Y}" in gaps[system.reference].message


def test_nonconformities_without_corrective_action(officer):
    today = timezone.localdate()
    audit = InternalAudit.objects.create(
        title="AIMS audit", scope="Everything", lead_auditor=officer,
        planned_start=today, planned_end=today,
    )  # fmt: skip
    major = Finding.objects.create(
        audit=audit, kind="major", title="No impact assessments", description="-",
        raised_by=officer,
    )  # fmt: skip
    Finding.objects.create(
        audit=audit, kind="observation", title="Naming", description="-", raised_by=officer
    )
    (gap,) = of_kind(traceability_gaps(user=officer), "nonconformity_without_action")
    assert gap.record == major.reference and gap.severity == "high"
    assert "corrective action" in gap.action
    capa_services.capa_create(
        actor=officer, source=major, title="Fix", nonconformity="-", action_plan="Do IAs",
        due_date=today + timedelta(days=30),
    )  # fmt: skip
    assert of_kind(traceability_gaps(user=officer), "nonconformity_without_action") == []


def test_serious_incidents_without_corrective_action(officer, owner, system):
    incident = incident_services.incident_report(
        actor=owner, system=system, title="Wrong rejections", description="-",
        detection_channel="employee", category="bias", severity="sev2",
    )  # fmt: skip
    (gap,) = of_kind(traceability_gaps(user=officer), "incident_without_action")
    assert gap.record == incident.reference
    assert gap.url == reverse("incidents:incident_detail", args=[incident.pk])


def test_owners_see_no_gap_about_someone_elses_records(officer, owner, other_owner, system):
    past = timezone.localdate() - timedelta(days=1)
    mine = make_system(other_owner, name="Other owner's bot")
    AISystem.objects.filter(pk__in=[system.pk, mine.pk]).update(next_review_date=past)
    records = {g.record for g in traceability_gaps(user=other_owner)}
    assert mine.reference in records and system.reference not in records
    assert {system.reference, mine.reference} <= {g.record for g in traceability_gaps(user=officer)}


def test_the_gap_list_on_the_readiness_page(
    client_as, auditor, officer, system, django_assert_max_num_queries
):
    AISystem.objects.filter(pk=system.pk).update(next_review_date=date(2025, 1, 1))
    client = client_as(auditor)
    with django_assert_max_num_queries(30):
        response = client.get(reverse("soa:readiness"))
    html = response.content.decode()
    assert 'id="traceability-gaps"' in html
    assert reverse("inventory:system_detail", args=[system.pk]) in html
    assert "Review it and set the next review date." in html


def _oversight_course(officer):
    from aims.competence import services as competence
    from aims.models import Course

    course = competence.course_save(
        actor=officer,
        course=Course(),
        data={"title": "Overseeing high-risk AI", "validity_months": 12},
    )
    responsibility = competence.responsibility_get(competence.HUMAN_OVERSIGHT, actor=officer)
    responsibility.required_courses.add(course)
    return competence, course


def test_a_high_tier_system_without_an_oversight_person(officer, auditor, system):
    AISystem.objects.filter(pk=system.pk).update(risk_tier="high")
    (gap,) = of_kind(traceability_gaps(user=officer), "oversight_not_assured")
    assert "no named oversight person" in gap.message
    assert gap.url == reverse("inventory:system_edit", args=[system.pk])
    # Who may not change the system is sent to its page, not to an edit page answering 403.
    (seen,) = of_kind(traceability_gaps(user=auditor), "oversight_not_assured")
    assert seen.url == reverse("inventory:system_detail", args=[system.pk])
    AISystem.objects.filter(pk=system.pk).update(risk_tier="low")
    assert of_kind(traceability_gaps(user=officer), "oversight_not_assured") == []


def test_oversight_training_that_lapsed_after_the_person_was_named(officer, owner, system):
    competence, course = _oversight_course(officer)
    today = timezone.localdate()
    # Named while the system was low tier (no check then); the tier rose afterwards.
    AISystem.objects.filter(pk=system.pk).update(risk_tier="high", oversight_person=owner)
    (gap,) = of_kind(traceability_gaps(user=officer), "oversight_not_assured")
    assert "without in-date human-oversight training" in gap.message

    # Training from 13 months ago has expired: still a gap; this year's training closes it.
    competence.training_record_create(
        actor=officer, user=owner, course=course, completed_on=today - timedelta(days=400)
    )
    assert len(of_kind(traceability_gaps(user=officer), "oversight_not_assured")) == 1
    competence.training_record_create(
        actor=officer, user=owner, course=course, completed_on=today - timedelta(days=3)
    )
    assert of_kind(traceability_gaps(user=officer), "oversight_not_assured") == []


def test_an_officers_exception_answers_the_oversight_gap(officer, owner, system):
    competence, _course = _oversight_course(officer)
    AISystem.objects.filter(pk=system.pk).update(risk_tier="high", oversight_person=owner)
    missing, exception = competence.oversight_check(
        actor=officer,
        person=owner,
        risk_tier="high",
        exception_reason="Course booked for May",
        exception_expires_on=date.today() + timedelta(days=60),
    )
    competence.oversight_record(
        actor=officer,
        person=owner,
        system_reference=system.reference,
        missing=missing,
        exception=exception,
        exception_expires_on=date.today() + timedelta(days=60),
    )
    assert of_kind(traceability_gaps(user=officer), "oversight_not_assured") == []


def test_approvers_without_in_date_approver_training(officer, approver, owner):
    from aims.competence import services as competence
    from aims.models import Course

    # No training named for the role: nothing to check.
    assert of_kind(traceability_gaps(user=officer), "approver_not_trained") == []
    course = competence.course_save(
        actor=officer, course=Course(), data={"title": "Deciding AI gates", "validity_months": 24}
    )
    competence.responsibility_get(competence.APPROVER, actor=officer).required_courses.add(course)
    (gap,) = of_kind(traceability_gaps(user=officer), "approver_not_trained")
    assert gap.record == approver.username
    assert gap.url == reverse("competence:person_training", args=[approver.pk])
    # System owners do not see other people's training gaps.
    assert of_kind(traceability_gaps(user=owner), "approver_not_trained") == []
    competence.training_record_create(
        actor=officer, user=approver, course=course, completed_on=timezone.localdate()
    )
    assert of_kind(traceability_gaps(user=officer), "approver_not_trained") == []
