"""An approver cannot release a high-risk system without a trained oversight person (issue 13,
part 3), in a real browser: the release checklist names the missing item, the decision is
refused with the reason and nothing is recorded; once the owner names a person with in-date
training, the item disappears and the release goes through."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from aims.competence import services as competence_services
from aims.models import Course
from aims.people import choice_label
from aims.roles import APPROVER, OFFICER, OWNER
from inventory import services
from inventory.models import Approval
from risk import services as risk_services
from risk.models import ImpactAssessment, RiskAssessment
from tests.factories import INTAKE_DATA, classify_confirmed, user_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

MISSING = "No human-oversight person is named"


def high_risk_system_in_validation(officer, approver, owner):
    """Everything a high-tier release needs, except the oversight person."""
    system = services.system_submit_intake(actor=owner, data=INTAKE_DATA)
    classify_confirmed(officer=officer, system=system)
    risk_services.assessment_save(
        actor=owner,
        assessment=RiskAssessment(system=system),
        data={"title": "RA", "assessed_on": date.today(), "scope": "Ranking"},
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
    services.system_transition(actor=officer, system=system, action="start_triage")
    services.approval_decide(actor=approver, system=system, decision="approve")
    services.system_transition(actor=owner, system=system, action="start_validation")
    for test_type in ("bias", "accuracy"):
        record = services.validation_record_create(
            actor=owner,
            system=system,
            test_type=test_type,
            title=f"{test_type} test",
            method="1,200 past applications",
            result="pass",
            performed_on=date.today(),
        )
        services.validation_record_review(actor=officer, record=record, note="Re-ran it")
    return system


def test_an_approver_cannot_release_a_high_risk_system_without_a_trained_oversight_person(
    login, screenshot
):
    officer = user_with_role(OFFICER, username="otto_officer")
    approver = user_with_role(APPROVER, username="anna_approver")
    approver2 = user_with_role(APPROVER, username="arvid_approver")
    owner = user_with_role(OWNER, username="olga_owner")
    overseer = user_with_role(OWNER, username="hugo_overseer")
    course = competence_services.course_save(
        actor=officer,
        course=Course(),
        data={"title": "Human oversight of high-risk AI", "validity_months": 12},
    )
    competence_services.responsibility_save(
        actor=officer,
        responsibility=competence_services.responsibility_get(
            competence_services.HUMAN_OVERSIGHT, actor=officer
        ),
        data={},
        required_courses=[course],
    )
    system = high_risk_system_in_validation(officer, approver, owner)

    # The approver sees the missing item on the release checklist of the gates tab.
    page = login(approver)
    page.goto(f"/systems/{system.pk}/gates/")
    blockers = page.locator("#release-blockers")
    expect(blockers).to_contain_text(MISSING)
    screenshot(page, "release-without-oversight")

    # Deciding anyway is refused with the reason; nothing is recorded.
    page.get_by_role("link", name="Record your decision").click()
    page.get_by_label("Approve", exact=True).check()
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("alert")).to_contain_text(MISSING)
    expect(page.get_by_role("button", name="Record decision")).to_be_visible()
    assert not Approval.objects.filter(system=system, gate="release").exists()

    # The owner names someone without the training: refused with the missing course.
    owner_page = login(owner)
    owner_page.goto(f"/systems/{system.pk}/edit/")
    owner_page.get_by_label("Human oversight person").select_option(label=choice_label(overseer))
    owner_page.get_by_role("button", name="Save").click()
    expect(owner_page.get_by_role("alert")).to_contain_text("Human oversight of high-risk AI")

    # Trained, they are accepted; the release checklist no longer lists the item.
    competence_services.training_record_create(
        actor=officer,
        user=overseer,
        course=course,
        completed_on=date.today() - timedelta(days=3),
    )
    owner_page.get_by_label("Human oversight person").select_option(label=choice_label(overseer))
    owner_page.get_by_role("button", name="Save").click()
    expect(owner_page.get_by_role("status")).to_contain_text("saved")

    page.goto(f"/systems/{system.pk}/gates/")
    expect(page.locator("#release-blockers")).to_have_count(0)
    expect(page.get_by_role("main")).not_to_contain_text(MISSING)
    page.get_by_role("link", name="Record your decision").click()
    page.get_by_label("Approve", exact=True).check()
    page.get_by_label("Comment").fill("Oversight in place; go ahead.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("status")).to_contain_text("Your decision on")

    # The high tier needs a second approver; then the system is released.
    second = login(approver2)
    second.goto(f"/systems/{system.pk}/gates/")
    second.get_by_role("link", name="Record your decision").click()
    second.get_by_label("Approve", exact=True).check()
    second.get_by_role("button", name="Record decision").click()
    expect(second.get_by_role("status")).to_contain_text("Your decision on")
    expect(second.get_by_role("main").get_by_test_id("stage").first).to_contain_text("deployed")
    screenshot(second, "released-with-oversight")
    system.refresh_from_db()
    assert system.lifecycle_stage == "deployed"
    assert system.oversight_person == overseer
