"""The owner's journey in a real browser (issue 15): start a guided intake, save a draft,
leave, resume it from "your drafts", submit it, and find on the system page the checklist
whose next step, the classification, opens."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from aims.roles import OWNER
from inventory.models import AISystem, IntakeDraft
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
