"""The owner's journey in a real browser (issue 15): start a guided intake, save a draft,
leave, resume it from "your drafts", submit it, and find on the system page the checklist
whose next step, the classification, opens. Then the whole way to release: the owner follows
the checklist's current step each time (classification, start validation, validation record,
evidence, oversight person) while the other roles act by services, until the approver
releases the system on the decision page."""

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from aims.people import choice_label
from aims.roles import APPROVER, OFFICER, OWNER
from inventory import services
from inventory.models import AISystem, IntakeDraft, ValidationRecord
from risk import services as risk_services
from risk.models import Classification
from tests.factories import INTAKE_DATA, user_with_role

from .classification_helpers import answer_the_rest_no

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_owner_drafts_resumes_submits_and_sees_the_next_step(login, screenshot):
    owner = user_with_role(OWNER, username="olga_owner")
    page = login(owner)
    page.goto(reverse("inventory:system_intake"))
    page.get_by_role("link", name="Go step by step instead").click()

    # Step 1, then leave with the draft saved.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Intake step 1 of 4")
    page.get_by_label("Name of the system or use case").fill(INTAKE_DATA["name"])
    page.get_by_label("Purpose").fill(INTAKE_DATA["purpose"])
    page.get_by_label("Business unit").select_option(INTAKE_DATA["business_unit"])
    page.get_by_role("button", name="Save draft and leave").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your intake drafts")
    assert IntakeDraft.objects.filter(author=owner).count() == 1
    assert not AISystem.objects.exists()

    # Resume it: step 2 (how it decides), step 3 (data; the vendor questions stay hidden).
    page.get_by_role("link", name=f"Resume {INTAKE_DATA['name']}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Intake step 2 of 4")
    page.get_by_label("Deployment type").select_option(INTAKE_DATA["deployment_type"])
    page.get_by_label("AI technique").select_option(INTAKE_DATA["ai_technique"])
    page.get_by_label("Decision impact").select_option(INTAKE_DATA["decision_impact"])
    page.get_by_label("Human oversight mode").select_option(INTAKE_DATA["human_oversight"])
    page.get_by_role("button", name="Save and continue").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Intake step 3 of 4")
    expect(page.get_by_label("Supplier", exact=True)).to_be_hidden()
    page.get_by_label("It uses a model or service from a third party").check()
    expect(page.get_by_label("Supplier", exact=True)).to_be_visible()
    page.get_by_label("It uses a model or service from a third party").uncheck()
    page.get_by_label("Data used").fill(INTAKE_DATA["data_description"])
    page.get_by_role("button", name="Save and continue").click()

    # Review and submit.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Review and submit")
    expect(page.get_by_text(INTAKE_DATA["purpose"])).to_be_visible()
    screenshot(page, "intake-review")
    page.get_by_role("button", name="Submit intake").click()

    system = AISystem.objects.get(owner=owner)
    expect(page).to_have_url(
        f"{page.url.split('/systems/')[0]}{reverse('inventory:system_detail', args=[system.pk])}"
    )
    checklist = page.locator("#next-steps")
    expect(checklist).to_be_visible()
    current = checklist.locator('[aria-current="step"]')
    expect(current).to_have_attribute("data-step", "classify")
    screenshot(page, "next-steps")
    current.get_by_role("link", name="EU AI Act classification").click()
    expect(page).to_have_url(
        f"{page.url.split('/risk/')[0]}{reverse('risk:classify', args=[system.pk])}"
    )
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("403")

    # Further along: the owner answers and submits; the step now waits for an officer.
    page.locator('input[name="role"][value="deployer"]').check()
    answer_the_rest_no(page)
    page.get_by_role("button", name="Submit for confirmation").click()
    expect(page.get_by_test_id("classification-status")).to_contain_text("Submitted")
    page.goto(reverse("inventory:system_detail", args=[system.pk]))
    classify = page.locator('#next-steps [data-step="classify"]')
    expect(classify).to_have_attribute("data-status", "waiting")
    expect(classify).to_contain_text("a governance officer")
    # The oversight step links to the page where the owner names the person.
    oversight = page.locator('#next-steps [data-step="oversight"]')
    oversight.get_by_role("link", name="Human oversight person").click()
    expect(page.get_by_label("Human oversight person")).to_be_visible()


def _step(page, key: str):
    return page.locator(f'#next-steps [data-step="{key}"]')


def _expect_current(page, key: str) -> None:
    expect(page.locator('#next-steps [aria-current="step"]')).to_have_attribute("data-step", key)


def test_the_owner_follows_the_checklist_to_release(login, screenshot, tmp_path):
    """From a submitted intake to release, the owner doing each step from the checklist's
    link of the current step; the other roles' actions are done by services."""
    officer = user_with_role(OFFICER, username="otto_officer")
    approver = user_with_role(APPROVER, username="anna_approver")
    owner = user_with_role(OWNER, username="olga_owner")
    # It assists a human and will classify as minimal risk: the low tier, few requirements.
    system = services.system_submit_intake(
        actor=owner, data={**INTAKE_DATA, "decision_impact": "assists"}
    )
    system_url = reverse("inventory:system_detail", args=[system.pk])
    report = tmp_path / "validation-report.pdf"
    report.write_bytes(b"%PDF-1.4 accuracy validation report")

    # Classification: the owner answers "no" throughout (minimal risk) and submits.
    page = login(owner)
    page.goto(system_url)
    _expect_current(page, "classify")
    _step(page, "classify").get_by_role("link", name="EU AI Act classification").click()
    page.locator('input[name="role"][value="deployer"]').check()
    answer_the_rest_no(page)
    page.get_by_role("button", name="Submit for confirmation").click()
    expect(page.get_by_test_id("classification-status")).to_contain_text("Submitted")
    page.goto(system_url)
    expect(_step(page, "classify")).to_have_attribute("data-status", "waiting")
    _expect_current(page, "classify")

    # The officer confirms it and triages; the approver approves the intake.
    risk_services.classification_confirm(
        actor=officer, classification=Classification.objects.get(system=system)
    )
    services.system_transition(actor=officer, system=system, action="start_triage")
    services.approval_decide(actor=approver, system=system, decision="approve")
    page.reload()
    expect(_step(page, "classify")).to_have_attribute("data-status", "done")
    expect(_step(page, "gate")).to_contain_text("start validation")

    # The owner starts validation from the gate step (the gates tab has the action).
    _step(page, "gate").get_by_role("link").first.click()
    page.get_by_role("button", name="Start validation").click()
    expect(page.get_by_role("status").first).to_be_visible()
    page.goto(system_url)
    expect(page.get_by_test_id("stage").first).to_contain_text("validation")
    _expect_current(page, "validation")

    # A validation record, through the validation step's link.
    _step(page, "validation").get_by_role("link").first.click()
    page.get_by_label("Test type").select_option("accuracy")
    page.get_by_label("Title").fill("Accuracy on the holdout set")
    page.get_by_label("Method").fill("500 past applications, recruiter labels")
    page.get_by_label("Result").select_option("pass")
    page.get_by_label("Performed on").fill(date.today().isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("VAL-")
    page.goto(system_url)
    expect(_step(page, "validation")).to_have_attribute("data-status", "done")
    _expect_current(page, "evidence")

    # An officer reviews the record (independent of the owner).
    record = ValidationRecord.objects.get(system=system)
    services.validation_record_review(actor=officer, record=record, note="Re-ran it")

    # Evidence, uploaded through the evidence step's link.
    _step(page, "evidence").get_by_role("link").first.click()
    page.get_by_label("Title").fill("Validation report")
    page.get_by_label("File").set_input_files(str(report))
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_role("status").first).to_contain_text("EVD-")
    page.goto(system_url)
    expect(_step(page, "evidence")).to_have_attribute("data-status", "done")

    # The oversight person: not required on the low tier (recommended), so the gate is next;
    # the owner names one anyway through the step's link.
    expect(_step(page, "oversight")).to_have_attribute("data-status", "optional")
    _expect_current(page, "gate")
    _step(page, "oversight").get_by_role("link", name="Human oversight person").click()
    page.get_by_label("Human oversight person").select_option(label=choice_label(officer))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("saved")
    page.goto(system_url)
    expect(_step(page, "oversight")).to_have_attribute("data-status", "done")

    # Nothing left for the owner: the gate waits for the approver.
    gate = _step(page, "gate")
    expect(gate).to_have_attribute("data-status", "waiting")
    expect(gate).to_contain_text("an approver")
    _expect_current(page, "gate")
    screenshot(page, "journey-waiting-for-release")

    # The approver records the release decision on the decision page.
    approver_page = login(approver)
    approver_page.goto(reverse("inventory:approval_decide", args=[system.pk]))
    approver_page.get_by_label("Approve", exact=True).check()
    approver_page.get_by_role("button", name="Record decision").click()
    expect(approver_page.get_by_role("status")).to_contain_text("Your decision on")

    # The owner's page: released, deployed, nothing current.
    page.goto(system_url)
    gate = _step(page, "gate")
    expect(gate).to_have_attribute("data-status", "done")
    expect(gate).to_contain_text("Released")
    expect(page.get_by_test_id("stage").first).to_contain_text("eployed")
    screenshot(page, "journey-released")
