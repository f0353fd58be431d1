"""The inventory workflow in a real browser: intake by a system owner, triage by an officer,
the intake gate decided by an approver, and who may see which buttons on the way."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from aims.roles import APPROVER, AUDITOR, OFFICER, OWNER
from inventory import services
from inventory.models import AISystem, LifecycleStage
from tests.factories import INTAKE_DATA, user_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

NAME = "Invoice fraud triage"
DECIDE = re.compile(r"^Decide\b")


def stage_badge(page: Page):
    """The lifecycle stage under the heading, as a screen reader announces it."""
    return page.get_by_role("main").get_by_test_id("stage").first


def dashboard_panel(page: Page, title: str):
    heading = page.get_by_role("heading", name=title, exact=True)
    return page.locator(".card").filter(has=heading)


def fill_intake(page: Page) -> None:
    page.get_by_label("Name of the system or use case").fill(NAME)
    page.get_by_label("Purpose").fill("Flags supplier invoices that look fraudulent for review.")
    page.get_by_label("Expected benefit").fill("Fewer fraudulent payments.")
    page.get_by_label("Business unit").select_option(label="Finance")
    page.get_by_label("Who uses it").fill("Accounts payable clerks")
    page.get_by_label("Affected groups").fill("Suppliers")
    page.get_by_label("Data used").fill("Invoices and supplier master data")
    page.get_by_label("Personal data").select_option(label="Personal data")
    page.get_by_label("Used in the EU").check()
    page.get_by_label("Deployment type").select_option(label="Third-party API")
    page.get_by_label("AI technique").select_option(label="Predictive machine learning")
    page.get_by_label("Vendor").fill("Acme Analytics")
    page.get_by_label("Model", exact=True).fill("FraudScore 3")
    page.get_by_label("Decision impact").select_option(label="Assists a human")
    page.get_by_label("Human oversight mode").select_option(
        label="Human in the loop (approves each output)"
    )
    page.get_by_label("Known risks").fill("False positives delay honest suppliers.")


def test_intake_triage_and_approval_through_the_browser(login, screenshot):
    owner = user_with_role(OWNER, username="olga_owner")
    officer = user_with_role(OFFICER, username="otto_officer")
    approver = user_with_role(APPROVER, username="anna_approver")

    # The owner submits the one-page intake form (the guided, step-by-step intake is
    # tests/e2e/test_owner_journey.py; "New intake" in the menu opens that one).
    page = login(owner)
    page.goto("/systems/intake/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit a use-case intake")
    fill_intake(page)
    screenshot(page, "intake-form")
    page.get_by_role("button", name="Submit intake").click()

    expect(page.get_by_role("status")).to_contain_text("submitted")
    expect(page.get_by_role("heading", level=1)).to_contain_text(NAME)
    expect(stage_badge(page)).to_have_text("Stage: Intake submitted")
    system = AISystem.objects.get(name=NAME)
    expect(page.get_by_role("status")).to_contain_text(system.reference)
    assert system.owner == owner
    assert system.components.get().provider == "Acme Analytics"
    screenshot(page, "system-detail")
    # Logging out is a POST form in the user menu.
    page.get_by_role("button", name=owner.get_full_name()).click()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in to AIMS")

    # The officer finds it on the dashboard and starts triage.
    page = login(officer)
    screenshot(page, "dashboard-officer")
    panel = dashboard_panel(page, "Intake waiting for triage")
    panel.get_by_role("link", name=NAME).click()
    expect(stage_badge(page)).to_have_text("Stage: Intake submitted")
    page.get_by_role("link", name="Start triage").click()
    page.get_by_label("Target date").fill((date.today() + timedelta(days=10)).isoformat())
    page.get_by_label("Triage notes").fill("Check the data sources first.")
    page.get_by_role("button", name="Start triage").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"is now in triage, assigned to {officer.get_full_name()}"
    )
    expect(page.locator("#triage")).to_contain_text("Check the data sources first.")
    expect(stage_badge(page)).to_have_text("Stage: In triage")

    # The approver finds it waiting for them and approves the intake gate.
    page = login(approver)
    panel = dashboard_panel(page, "Approvals waiting for me")
    panel.get_by_role("link", name=NAME).click()
    expect(page.get_by_role("heading", name="Gates and approvals")).to_be_visible()
    page.get_by_role("link", name="Record your decision").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(system.reference)
    page.get_by_label("Approve", exact=True).check()
    page.get_by_label("Comment").fill("Proportionate; go ahead.")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("status")).to_contain_text("Your decision on")
    expect(stage_badge(page)).to_have_text("Stage: Approved for development")
    expect(page.locator("#approvals")).to_contain_text("Proportionate; go ahead.")
    screenshot(page, "gates")

    # The history names all three people who acted, by their full names.
    page.get_by_role("list", name=f"Sections of {system.reference}").get_by_role(
        "link", name="History"
    ).click()
    expect(page.get_by_role("heading", name="History")).to_be_visible()
    users = page.get_by_test_id("history-user")
    expect(users.first).to_be_visible()
    who = {text.strip() for text in users.all_inner_texts()}
    assert {u.get_full_name() for u in (owner, officer, approver)} <= who, who
    screenshot(page, "history")
    system.refresh_from_db()
    assert system.lifecycle_stage == LifecycleStage.APPROVED_FOR_DEVELOPMENT


def test_intake_with_missing_fields_keeps_the_input_and_saves_nothing(login, screenshot):
    owner = user_with_role(OWNER, username="olga_owner")
    page = login(owner)
    page.goto("/systems/intake/")
    page.get_by_label("Name of the system or use case").fill("Half-finished idea")
    page.get_by_label("Known risks").fill("Not sure yet.")
    page.get_by_label("Used in the EU").check()
    page.get_by_role("button", name="Submit intake").click()

    expect(page.get_by_role("alert")).to_contain_text("nothing was saved")
    expect(page.get_by_role("heading", level=1)).to_have_text("Submit a use-case intake")
    expect(page.get_by_label("Name of the system or use case")).to_have_value("Half-finished idea")
    expect(page.get_by_label("Known risks")).to_have_value("Not sure yet.")
    expect(page.get_by_label("Used in the EU")).to_be_checked()
    purpose = page.get_by_label("Purpose")
    expect(purpose).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_purpose_errors")).to_have_text("This field is required.")
    screenshot(page, "intake-errors")
    assert not AISystem.objects.exists()


def test_buttons_follow_roles_and_segregation_of_duties(login):
    officer = user_with_role(OFFICER, username="otto_officer")
    approver_owner = user_with_role(APPROVER, username="arno_approver_owner")
    other_approver = user_with_role(APPROVER, username="anna_approver")
    auditor = user_with_role(AUDITOR, username="aude_auditor")
    own = services.system_submit_intake(
        actor=officer, data={**INTAKE_DATA, "name": "Approver's own bot"}, owner=approver_owner
    )
    services.system_transition(actor=officer, system=own, action="start_triage")
    waiting = services.system_submit_intake(
        actor=officer, data={**INTAKE_DATA, "name": "Waiting for triage"}
    )

    # Another approver may decide the open intake gate: the button exists.
    page = login(other_approver)
    page.goto(f"/systems/{own.pk}/")
    expect(page.get_by_role("link", name=DECIDE)).to_be_visible()

    # The approver who owns the system sees it, but gets no way to decide it.
    page = login(approver_owner)
    expect(dashboard_panel(page, "Approvals waiting for me")).not_to_contain_text(own.name)
    page.goto(f"/systems/{own.pk}/")
    expect(stage_badge(page)).to_have_text("Stage: In triage")
    expect(page.get_by_role("link", name=DECIDE)).to_have_count(0)
    page.goto(f"/systems/{own.pk}/gates/")
    expect(page.get_by_role("heading", name="Gates and approvals")).to_be_visible()
    expect(page.get_by_role("link", name="Record your decision")).to_have_count(0)
    # Going to the decision form by hand is refused with the reason, and nothing is recorded.
    response = page.goto(f"/systems/{own.pk}/decide/")
    assert response.status == 200  # the case can be read; the decision cannot be taken
    expect(page.locator("#decision-refused")).to_contain_text("segregation of duties")
    expect(page.get_by_role("button", name="Record decision")).to_have_count(0)
    assert not own.approvals.exists()

    # The officer sees Edit and Start triage on a fresh intake; the auditor sees neither.
    page = login(officer)
    page.goto(f"/systems/{waiting.pk}/")
    expect(page.get_by_role("main").get_by_role("link", name="Edit", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Start triage")).to_be_visible()

    page = login(auditor)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="AI systems").click()
    page.get_by_role("link", name=waiting.name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(waiting.name)
    expect(stage_badge(page)).to_have_text("Stage: Intake submitted")
    main = page.get_by_role("main")
    expect(main.get_by_role("link", name="Edit")).to_have_count(0)
    expect(main.get_by_role("button")).to_have_count(0)
    expect(main.locator("form[action*='/action/']")).to_have_count(0)
    expect(main.get_by_role("link", name="Start triage")).to_have_count(0)
    expect(main.get_by_role("link", name=DECIDE)).to_have_count(0)


# --- Gates are named; field errors are part of the field's accessible description ----------
# The pages are loaded when these run, so a short wait is enough.
FAST = 1000


def test_the_open_gate_is_named(login):
    officer = user_with_role(OFFICER, username="otto_officer")
    approver = user_with_role(APPROVER, username="anna_approver")
    system = services.system_submit_intake(actor=officer, data=INTAKE_DATA)
    services.system_transition(actor=officer, system=system, action="start_triage")

    page = login(approver)
    page.goto(f"/systems/{system.pk}/gates/")
    expect(page.get_by_role("main")).to_contain_text("The intake gate is open", timeout=FAST)
    expect(page.get_by_role("link", name=re.compile("^Decide intake gate$", re.I))).to_be_visible(
        timeout=FAST
    )
    page.get_by_role("link", name="Record your decision").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Intake gate:", timeout=FAST)


def test_field_errors_are_announced_with_the_field(login):
    page = login(user_with_role(OWNER, username="olga_owner"))
    page.goto("/systems/intake/")
    page.get_by_role("button", name="Submit intake").click()
    expect(page.get_by_role("alert")).to_contain_text("nothing was saved")
    expect(page.get_by_label("Purpose")).to_have_accessible_description(
        re.compile("This field is required"), timeout=FAST
    )
    expect(page.get_by_label("Business unit")).to_have_accessible_description(
        re.compile("This field is required"), timeout=FAST
    )
