"""The issue's end-to-end story in a real browser: an officer classifies a CV screening tool
as high-risk, the release approval is refused listing the missing impact assessment, the
owner completes it, an approver signs it off, and the approval goes through."""

from datetime import date

import pytest
from playwright.sync_api import expect

from aims.roles import APPROVER, OFFICER, OWNER
from inventory import services as inventory_services
from inventory.models import AISystem
from risk import services
from risk.models import RiskAssessment
from tests.factories import make_system, user_with_role

from .classification_helpers import answer_the_rest_no

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _system_in_validation(owner, officer, approver) -> AISystem:
    system = make_system(owner, name="CV screening assistant")
    inventory_services.system_transition(actor=officer, system=system, action="start_triage")
    inventory_services.approval_decide(actor=approver, system=system, decision="approve")
    inventory_services.system_transition(actor=owner, system=system, action="start_validation")
    services.assessment_save(
        actor=owner,
        assessment=RiskAssessment(system=system),
        data={"title": "Launch assessment", "assessed_on": date.today(), "scope": "Ranking"},
    )
    for test_type in ("bias", "accuracy"):
        record = inventory_services.validation_record_create(
            actor=owner,
            system=system,
            test_type=test_type,
            title=f"{test_type} on holdout",
            method="2,000 labelled CVs",
            result="pass",
            performed_on=date.today(),
        )
        # A high tier counts validation reviewed by someone other than the owner.
        inventory_services.validation_record_review(actor=officer, record=record)
    # ... and a named oversight person (no oversight course is required in this test).
    inventory_services.system_update(actor=owner, system=system, data={"oversight_person": officer})
    return system


def test_high_risk_release_needs_the_impact_assessment(login, screenshot):
    owner = user_with_role(OWNER, username="olga_owner")
    officer = user_with_role(OFFICER, username="otto_officer")
    approver = user_with_role(APPROVER, username="anna_approver")
    system = _system_in_validation(owner, officer, approver)

    # The officer classifies it through the questionnaire.
    page = login(officer)
    page.goto(f"/risk/systems/{system.pk}/")
    page.get_by_role("link", name="Classify").click()
    page.locator('input[name="role"][value="deployer"]').check()  # first: it decides what is asked
    answer_the_rest_no(page)
    page.get_by_role("button", name="Submit for confirmation").click()
    # ... and confirms it as high-risk (Annex III 4(a): recruitment), with the reason.
    page.get_by_role("link", name="Confirm or change the result").click()
    page.get_by_label("Confirmed result").select_option("high_risk")
    page.get_by_label("Reason").fill("Annex III 4(a): it ranks job applicants.")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_test_id("eu-class")).to_have_text("High-risk")
    expect(page.get_by_test_id("tier")).to_contain_text("High")
    expect(page.get_by_role("main")).to_contain_text("A signed-off impact assessment is missing.")
    screenshot(page, "risk-system-page")

    # The approver's release approval is refused with what is missing.
    approver_page = login(approver)
    approver_page.goto(f"/systems/{system.pk}/decide/")
    approver_page.get_by_label("Approve", exact=True).check()
    approver_page.get_by_role("button", name="Record decision").click()
    errors = approver_page.get_by_role("alert")
    expect(errors.first).to_be_visible()
    expect(approver_page.get_by_role("main")).to_contain_text(
        "A signed-off impact assessment is missing."
    )
    screenshot(approver_page, "risk-release-refused")

    # The owner completes the impact assessment.
    owner_page = login(owner)
    owner_page.goto(f"/risk/systems/{system.pk}/")
    owner_page.get_by_role("link", name="Add impact assessment").click()
    owner_page.get_by_label("Title").fill("CV screening impact assessment")
    owner_page.get_by_label("Affected individuals").fill("Job applicants")
    owner_page.get_by_label("Intended use").fill("Rank CVs for recruiters to review")
    # Harms are rows of labelled inputs, scores in words.
    owner_page.get_by_label("Harm (harm 1)", exact=True).fill(
        "Qualified older applicants ranked low"
    )
    owner_page.get_by_label("Severity (harm 1)").select_option(label="4 – Major")
    owner_page.get_by_label("Likelihood (harm 1)").select_option(label="3 – Possible")
    owner_page.get_by_label("Reversibility (harm 1)").select_option(label="Partly reversible")
    owner_page.get_by_label("Human oversight measures", exact=True).fill(
        "A recruiter reviews every shortlist and can override the ranking"
    )
    owner_page.get_by_label("Conclusion").fill("Acceptable with the oversight above")
    owner_page.get_by_role("button", name="Save").click()
    expect(owner_page.get_by_test_id("ia-status")).to_have_text("Draft")
    expect(owner_page.get_by_role("main")).to_contain_text("4 – Major")

    # The approver signs it off, and the release approval goes through.
    approver_page.goto(f"/risk/systems/{system.pk}/")
    approver_page.get_by_role("link", name="CV screening impact assessment").click()
    approver_page.get_by_role("button", name="Sign off").click()
    expect(approver_page.get_by_test_id("ia-status")).to_have_text("Signed off")
    approver_page.goto(f"/systems/{system.pk}/decide/")
    approver_page.get_by_label("Approve", exact=True).check()
    approver_page.get_by_role("button", name="Record decision").click()
    expect(approver_page.get_by_role("status")).to_contain_text("was recorded as")
    system.refresh_from_db()
    assert system.lifecycle_stage == "in_validation"  # the high tier asks for two approvals
    second = user_with_role(APPROVER, username="ben_approver")
    inventory_services.approval_decide(actor=second, system=system, decision="approve")
    system.refresh_from_db()
    assert system.lifecycle_stage == "deployed"
