"""Vendor changes in a real browser: an officer records a vendor model change; the owner of
a dependent deployed high-tier system sees it flagged and records the assessment."""

import pytest
from playwright.sync_api import expect

from aims.roles import APPROVER, OFFICER, OWNER
from inventory.models import AISystem
from suppliers.models import VendorChangeImpact
from tests.factories import user_with_role
from tests.suppliers.helpers import connect, deployed_system, link_component, make_supplier

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_officer_records_a_model_change_and_the_owner_assesses_it(login, screenshot):
    connect()  # the live server runs in this process: same dependency provider
    officer = user_with_role(OFFICER, username="vera_officer")
    approver = user_with_role(APPROVER, username="arne_approver")
    owner = user_with_role(OWNER, username="omar_owner")
    supplier = make_supplier(officer, name="Acme Models")
    system = deployed_system(owner, officer, approver, name="Claims assistant")
    link_component(owner, system, supplier, name="Acme LLM")

    # The officer finds the supplier, sees the dependent system and records the change.
    page = login(officer)
    page.get_by_role("link", name="Suppliers").first.click()
    page.get_by_role("link", name="Acme Models").click()
    dependents = page.get_by_role("table", name="AI systems and the components they take")
    expect(dependents).to_contain_text("Claims assistant")
    page.get_by_role("link", name="Record a vendor change").click()
    expect(page.get_by_label("Supplier")).to_have_value(str(supplier.pk))
    page.get_by_label("Affected model or service").fill("Acme LLM")
    page.get_by_label("Kind").select_option(label="New model version")
    page.get_by_label("How we learned of it").select_option(label="Vendor notice")
    page.get_by_label("Title").fill("Acme LLM 2026-06 replaces 2026-01")
    page.get_by_label("Description").fill("The vendor moves every caller to the new version.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Acme LLM 2026-06")
    impacts = page.get_by_role("table", name="AI systems flagged")
    expect(impacts).to_contain_text("Claims assistant")
    expect(impacts.get_by_text("Change under review")).to_be_visible()
    screenshot(page, "vendor-change-recorded")

    # The owner sees it waiting on the dashboard and records the assessment.
    owner_page = login(owner)
    waiting = owner_page.locator("#my-vendor-assessments")
    expect(waiting).to_contain_text("Claims assistant")
    waiting.get_by_role("link").first.click()
    owner_page.get_by_label("Re-validate").check()
    owner_page.get_by_label("Rationale").fill("Answers changed tone on our test set: re-test.")
    owner_page.get_by_role("button", name="Save").click()
    impacts = owner_page.get_by_role("table", name="AI systems flagged")
    expect(impacts).to_contain_text("Re-validate")
    # Still under review until the release gate is passed again.
    expect(impacts.get_by_text("Change under review")).to_be_visible()
    screenshot(owner_page, "vendor-change-assessed")

    impact = VendorChangeImpact.objects.get()
    assert impact.assessment == "revalidate" and impact.assessed_by == owner
    assert AISystem.objects.get(pk=system.pk).lifecycle_stage == "in_validation"


def test_an_unassessed_change_flags_the_system_until_an_officer_confirms_no_impact(
    login, screenshot
):
    """The same change seen on two components is one notice; the inventory list and the
    system page show the system waiting; the owner's "no impact" on a high-tier system
    keeps it waiting until an officer confirms it."""
    from inventory import vendor_changes

    connect()
    officer = user_with_role(OFFICER, username="vera_officer")
    approver = user_with_role(APPROVER, username="arne_approver")
    owner = user_with_role(OWNER, username="omar_owner")
    supplier = make_supplier(officer, name="Acme Models")
    system = deployed_system(owner, officer, approver, name="Claims assistant")
    first = link_component(owner, system, supplier, name="Acme LLM", identifier="acme-1")
    second = link_component(owner, system, supplier, name="Acme summary", identifier="acme-1")
    for component in (first, second):
        vendor_changes.component_report_identifier(
            actor=officer, component=component, identifier="acme-2"
        )
    assert VendorChangeImpact.objects.count() == 1

    page = login(owner)
    page.get_by_role("link", name="AI systems").first.click()
    table = page.get_by_role("table", name="AI systems")
    flag = table.get_by_text("Vendor change unassessed")
    expect(flag).to_be_visible()
    expect(table.locator('[data-flag="vendor-change-unassessed"]')).to_have_count(1)
    page.get_by_role("link", name="Claims assistant").click()
    alert = page.locator("#vendor-change-alert")
    expect(alert).to_contain_text("is not assessed yet")
    screenshot(page, "vendor-change-system-waits")
    alert.get_by_role("link").first.click()
    expect(page.locator("#observations li")).to_have_count(2)
    page.get_by_role("link", name="Assess").first.click()
    page.get_by_label("No impact").check()
    page.get_by_label("Rationale").fill("Same answers on our 50-case test set.")
    page.get_by_role("button", name="Save").click()
    impacts = page.get_by_role("table", name="AI systems flagged")
    expect(impacts).to_contain_text("awaiting officer confirmation")
    page.goto(f"/systems/{system.pk}/")
    expect(page.locator("#vendor-change-alert")).to_contain_text("awaits an officer")

    officer_page = login(officer)
    officer_page.locator("#vendor-no-impact-to-confirm").get_by_role("link").first.click()
    officer_page.get_by_label("Confirm 'no impact'").check()
    officer_page.get_by_label("Reason").fill("Vendor release notes list no behaviour change.")
    officer_page.get_by_role("button", name="Save").click()
    expect(officer_page.get_by_role("table", name="AI systems flagged")).to_contain_text(
        "Confirmed by"
    )
    officer_page.get_by_role("link", name="AI systems").first.click()
    expect(officer_page.locator('[data-flag="vendor-change-unassessed"]')).to_have_count(0)
    screenshot(officer_page, "vendor-change-confirmed")
    assert not vendor_changes.unassessed_vendor_changes(system).exists()


def test_the_same_change_recorded_twice_in_the_browser_is_one_notice(login, screenshot):
    """Two officers record the same model change by hand, in other words and other case:
    the second lands on the first notice, which lists both reports; one assessment each."""
    connect()
    officer = user_with_role(OFFICER, username="vera_officer")
    officer2 = user_with_role(OFFICER, username="otto_officer")
    approver = user_with_role(APPROVER, username="arne_approver")
    owner = user_with_role(OWNER, username="omar_owner")
    supplier = make_supplier(officer, name="Acme Models")
    system = deployed_system(owner, officer, approver, name="Claims assistant")
    link_component(owner, system, supplier, name="Acme LLM")

    def record(user, title: str, model: str, old: str, new: str):
        page = login(user)
        page.goto(f"/suppliers/changes/add/?supplier={supplier.pk}")
        page.get_by_label("Affected model or service").fill(model)
        page.get_by_label("Kind").select_option(label="New model version")
        page.get_by_label("How we learned of it").select_option(label="Vendor notice")
        page.get_by_label("Title").fill(title)
        page.get_by_label("From version").fill(old)
        page.get_by_label("To version").fill(new)
        page.get_by_role("button", name="Save").click()
        return page

    first = record(officer, "Acme LLM moves to 2026-06", "acme-llm", "2026-01", "2026-06")
    expect(first.get_by_role("heading", level=1)).to_contain_text("Acme LLM moves to 2026-06")
    second = record(officer2, "ACME: new model version", " ACME-LLM ", "2026-01", " 2026-06 ")
    expect(second.get_by_role("heading", level=1)).to_contain_text("Acme LLM moves to 2026-06")
    expect(second.get_by_text("already recorded as")).to_be_visible()
    reports = second.locator("#observations li")
    expect(reports).to_have_count(2)
    expect(reports.nth(1)).to_contain_text("ACME: new model version")
    expect(reports.nth(1)).to_contain_text(officer2.get_full_name() or "otto_officer")
    expect(
        second.get_by_role("table", name="AI systems flagged").locator("tbody tr")
    ).to_have_count(1)
    screenshot(second, "vendor-change-merged")
    assert VendorChangeImpact.objects.count() == 1
