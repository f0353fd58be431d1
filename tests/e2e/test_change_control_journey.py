"""Change control in a real browser (issue 13): an owner edits the purpose of a deployed
high-risk system and sees a change request instead of a changed record; a governance officer
then decides that the change is material, which applies it and sends the system back to
validation."""

from datetime import date

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from aims.roles import APPROVER, OFFICER, OWNER
from inventory import services
from inventory.models import AISystem, ChangeRequest
from tests.factories import INTAKE_DATA, classify_confirmed, make_system, user_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NEW_PURPOSE = "Ranks CVs and rejects the bottom half without a recruiter seeing them."


def deployed_high_risk_system(owner, officer, approver) -> AISystem:
    system = make_system(owner)
    services.system_transition(actor=officer, system=system, action="start_triage")
    services.approval_decide(actor=approver, system=system, decision="approve")
    services.system_transition(actor=owner, system=system, action="start_validation")
    services.validation_record_create(
        actor=owner,
        system=system,
        test_type="accuracy",
        title="Holdout accuracy",
        method="500 labelled CVs",
        result="pass",
        performed_on=date.today(),
    )
    services.approval_decide(actor=approver, system=system, decision="approve")
    classify_confirmed(officer=officer, system=system)
    system = AISystem.objects.get(pk=system.pk)
    assert (system.lifecycle_stage, system.risk_tier) == ("deployed", "high")
    return system


def test_an_owner_edits_the_purpose_of_a_deployed_high_risk_system_and_sees_a_change_request(
    login, screenshot
):
    owner = user_with_role(OWNER, username="olga_owner")
    officer = user_with_role(OFFICER, username="otto_officer")
    approver = user_with_role(APPROVER, username="anna_approver")
    system = deployed_high_risk_system(owner, officer, approver)

    # The owner edits the purpose in the ordinary edit form; the form says what will happen.
    page = login(owner)
    page.goto(reverse("inventory:system_detail", args=[system.pk]))
    page.get_by_role("link", name="Edit").click()
    expect(page.locator("#change-control-note")).to_contain_text("opens a change request")
    page.get_by_label("Purpose").fill(NEW_PURPOSE)
    page.get_by_label("Reason for the change").fill("Recruiters asked for fewer CVs")
    page.get_by_role("button", name="Save").click()

    # ... and lands on the change requests, told that a change request was opened.
    change = ChangeRequest.objects.get(system=system)
    expect(page.get_by_role("status")).to_contain_text(f"{change.reference} was opened")
    expect(page.get_by_role("heading", name="Change requests")).to_be_visible()
    proposed = page.locator(f"#proposed-{change.pk}")
    expect(proposed).to_contain_text(INTAKE_DATA["purpose"])
    expect(proposed).to_contain_text(NEW_PURPOSE)
    expect(page.locator(f"#change-{change.pk}")).to_contain_text("Proposed")
    # The owner of a high-risk system cannot decide it.
    expect(page.get_by_role("link", name="Decide materiality")).to_have_count(0)
    screenshot(page, "change-control-proposed")

    # The record itself is unchanged and still deployed.
    page.get_by_role("link", name="Overview").click()
    expect(page.get_by_role("main")).to_contain_text(INTAKE_DATA["purpose"])
    expect(page.get_by_role("main")).not_to_contain_text(NEW_PURPOSE)
    expect(page.get_by_test_id("stage").first).to_contain_text("deployed")
    assert AISystem.objects.get(pk=system.pk).purpose == INTAKE_DATA["purpose"]

    # A governance officer decides that the change is material, with a reason.
    page = login(officer)
    page.goto(reverse("inventory:system_tab", args=[system.pk, "changes"]))
    page.get_by_role("link", name="Decide materiality").click()
    page.get_by_label(
        "Material: apply it and send the system back through the release gate"
    ).check()
    page.get_by_label("Reason").fill("Rejecting without a recruiter changes the decision impact.")
    page.get_by_role("button", name="Record decision").click()

    expect(page.get_by_role("status")).to_contain_text(change.reference)
    expect(page.locator(f"#change-{change.pk}")).to_contain_text("In release review")
    expect(page.get_by_test_id("stage").first).to_contain_text("In validation")
    system = AISystem.objects.get(pk=system.pk)
    assert system.purpose == NEW_PURPOSE and system.release_round == 2
    screenshot(page, "change-control-decided")
