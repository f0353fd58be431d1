"""The first run in a real browser, from an EMPTY database (no demo data): the first officer
is created by ``manage.py start_organisation``, is led from the dashboard to /start/, and
walks the organisation profile, the scope and frameworks, two AI systems, one section of the
gap assessment, to the plan step and the generated plan."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from aims.models import AIMSScope, OrganisationProfile
from audits.models import ControlStatement, FirstRun, PlanTask
from audits.onboarding import selectors
from inventory.models import AISystem
from tests.factories import PASSWORD

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def step_status(page, key: str):
    return page.locator(f'#first-run-steps [data-step="{key}"]')


def test_first_run_from_an_empty_database(login, screenshot):
    from django.contrib.auth import get_user_model

    assert not AISystem.objects.exists() and not OrganisationProfile.objects.exists()
    call_command(
        "start_organisation", username="first_officer", email="first@example.org",
        password=PASSWORD, verbosity=0,
    )  # fmt: skip
    officer = get_user_model().objects.get(username="first_officer")

    # The dashboard of an organisation without records leads to the first run.
    page = login(officer)
    panel = page.locator("#first-run-panel")
    expect(panel).to_contain_text("no records yet")
    panel.get_by_role("link", name="Start the first run").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up the AI management system")
    page.get_by_role("link", name=re.compile("Start with step 1")).click()

    # a. Organisation profile
    page.get_by_label("Legal name").fill("Northwind Analytics Ltd")
    page.get_by_label("Sector").select_option("finance")
    page.get_by_label("Size").select_option("50-249")
    page.get_by_label("Countries of operation").fill("United Kingdom, Ireland")
    page.get_by_label("Contact person").fill("Jo Bloggs")
    page.get_by_label("Contact email").fill("jo@example.org")
    page.get_by_role("button", name="Save and continue").click()

    # b. Scope and frameworks
    expect(page.get_by_role("heading", level=1)).to_contain_text("AIMS scope")
    expect(step_status(page, "profile")).to_contain_text("Done")
    page.get_by_label("Statement").fill("Every AI system Northwind builds, buys or uses.")
    page.get_by_label("EU AI Act").check()
    page.get_by_role("button", name="Save and continue").click()

    # c. Two AI systems at once
    expect(page.get_by_role("heading", level=1)).to_contain_text("taking stock")
    expect(page.locator("#import-note")).to_contain_text("import")
    page.locator("#id_rows-0-name").fill("Support chatbot")
    page.locator("#id_rows-0-purpose").fill("Answers customer questions on the website.")
    page.locator("#id_rows-0-deployment_type").select_option("third_party_api")
    page.locator("#id_rows-0-vendor").fill("Acme AI")
    page.locator("#id_rows-1-name").fill("Churn forecaster")
    page.locator("#id_rows-1-purpose").fill("Predicts which customers may leave.")
    page.locator("#id_rows-1-status").select_option("in_development")
    page.get_by_role("button", name="Save and continue").click()

    # d. Gap assessment, clause 4
    expect(page.get_by_role("heading", level=1)).to_have_text("Step 4: gap assessment")
    expect(step_status(page, "systems")).to_contain_text("Done")
    total = selectors.gap_counts()[1]
    expect(page.locator("#gap-count")).to_contain_text(f"0 of {total}")
    rows = page.locator(".gap-row")
    count = rows.count()
    assert count >= 1
    for i in range(count):
        page.locator(f"#id_gap-{i}-status").select_option("implemented" if i == 0 else "partly")
    page.locator("#id_gap-0-evidence_note").fill("Context analysis, March board minutes")
    screenshot(page, "first-run-assessment")
    page.get_by_role("button", name=re.compile("Save and go to Clause 5")).click()
    expect(page.locator("#gap-count")).to_contain_text(f"{count} of {total}")
    expect(page.locator("#section-heading")).to_contain_text("Clause 5")

    # e. The plan step
    page.locator("#first-run-steps").get_by_role("link", name="The 90-day plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Step 5: the 90-day plan")
    expect(page.locator("#gap-total")).to_have_text(str(selectors.gaps_open()))
    expect(page.get_by_role("button", name="Generate the 90-day plan")).to_be_visible()
    expect(page.locator("#plan-progress")).to_have_attribute("href", "/plan/")
    expect(step_status(page, "plan")).to_contain_text("To do")
    page.get_by_role("button", name="Generate the 90-day plan").click()

    # The plan: tasks from the gaps, in phases, with owners and due dates.
    expect(page).to_have_url(re.compile(r"/plan/$"))
    gaps = selectors.gaps_open()
    assert gaps >= 1
    assert PlanTask.objects.count() == gaps
    expect(page.locator("#plan-summary")).to_contain_text(f"0 of {gaps}")
    expect(page.locator("#task-count")).to_have_text(f"{gaps} task{'s' if gaps != 1 else ''}.")
    screenshot(page, "first-run-generated-plan")
    page.goto(page.url.replace("/plan/", "/start/plan/"))
    expect(step_status(page, "plan")).to_contain_text("Done")
    expect(step_status(page, "plan")).to_contain_text(f"{gaps} task")
    expect(step_status(page, "assessment")).to_contain_text("In progress")
    screenshot(page, "first-run-plan")

    # What the browser did is in the records, written by the officer.
    profile = OrganisationProfile.objects.get()
    assert profile.legal_name == "Northwind Analytics Ltd"
    assert profile.frameworks == ["iso42001", "eu_ai_act"]
    assert AIMSScope.objects.get().owner == officer
    systems = AISystem.objects.order_by("pk")
    assert [s.name for s in systems] == ["Support chatbot", "Churn forecaster"]
    assert FirstRun.objects.get().stock[systems[1].reference] == "in_development"
    first = ControlStatement.objects.get(item__code="4.1")
    assert first.implementation_status == "implemented"
    assert first.implementation_notes == "Context analysis, March board minutes"
    assert first.history.latest().history_user == officer
