"""Issue 14's journey in a real browser: a system's owner answers the EU AI Act
questionnaire with one "not sure" and submits it; the risk page says "classification
pending" (never minimal); a governance officer confirms it with a result and a reason, and
the tier appears."""

import pytest
from playwright.sync_api import expect

from aims.roles import OFFICER, OWNER
from inventory.models import AISystem
from risk.models import Classification
from tests.factories import first_yes_no_key, make_system, user_with_role

from .classification_helpers import answer_the_rest_no

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_owner_answers_with_not_sure_and_the_officer_confirms(login, screenshot):
    owner = user_with_role(OWNER, username="olga_owner")
    officer = user_with_role(OFFICER, username="otto_officer")
    system = make_system(owner, name="Support chatbot")  # the owner's intake
    unsure_key = first_yes_no_key()

    page = login(owner)
    page.goto(f"/risk/systems/{system.pk}/")
    page.get_by_role("link", name="Classify").click()
    expect(page.locator('input[name="role"]:checked')).to_have_count(0)  # no role pre-chosen
    # The role comes first: it decides which questions are asked (Art. 25 of deployers).
    page.locator('input[name="role"][value="deployer"]').check()
    expect(page.locator('fieldset[data-question="own_name_or_trademark"]')).to_be_visible()
    expect(page.locator('fieldset[data-question="gpai"]')).to_be_hidden()
    page.locator(f'fieldset[data-question="{unsure_key}"]').get_by_label("Not sure").check()
    answer_the_rest_no(page)
    page.get_by_role("button", name="Submit for confirmation").click()
    expect(page.get_by_test_id("eu-class")).to_have_text("Classification pending")
    expect(page.get_by_test_id("classification-status")).to_contain_text("Submitted")
    expect(page.get_by_test_id("tier")).to_contain_text("Unclassified")
    screenshot(page, "classification-pending")
    assert Classification.objects.get(system=system).result == "pending"

    officer_page = login(officer)
    officer_page.goto(f"/risk/systems/{system.pk}/")
    officer_page.get_by_role("link", name="Confirm or change the result").click()
    expect(officer_page.get_by_test_id("unsure")).to_be_visible()
    officer_page.get_by_label("Confirmed result").select_option("limited")
    officer_page.get_by_role("button", name="Confirm").click()
    expect(officer_page.locator("#id_reason_errors")).to_be_visible()  # a reason is required
    officer_page.get_by_label("Reason").fill("It talks to customers: Art. 50(1) applies.")
    officer_page.get_by_role("button", name="Confirm").click()
    expect(officer_page.get_by_test_id("eu-class")).to_contain_text("Limited risk")
    expect(officer_page.get_by_test_id("tier")).not_to_contain_text("Unclassified")
    # answered (draft), submitted, confirmed: every version kept
    expect(officer_page.locator("#classification-versions tbody tr")).to_have_count(3)
    screenshot(officer_page, "classification-confirmed")
    assert AISystem.objects.get(pk=system.pk).risk_tier != "unclassified"
