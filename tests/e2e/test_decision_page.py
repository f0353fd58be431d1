"""An approver decides with the case in front of them (issue 15, part 1), in a real browser:
the decision page of a system waiting at its release gate shows the classification, the
tier's requirements and the risks above appetite; the approver approves with conditions there,
and the system page then shows the decision. Also readable at 390 px."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from aims.roles import APPROVER, OFFICER, OWNER
from inventory.models import Approval
from tests.factories import user_with_role
from tests.inventory.decision_case import RISK_TITLE, system_awaiting_release

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_an_approver_decides_from_the_case(login, screenshot):
    officer = user_with_role(OFFICER, username="olivia_officer")
    approver = user_with_role(APPROVER, username="ada_approver")
    second = user_with_role(APPROVER, username="bruno_approver")
    owner = user_with_role(OWNER, username="oscar_owner")
    system = system_awaiting_release(officer=officer, approver=approver, owner=owner)

    page = login(second)
    page.goto(f"/systems/{system.pk}/")
    page.get_by_role("link", name="Decide release gate").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(system.reference)
    main = page.get_by_role("main")
    expect(main.get_by_test_id("case-eu-class")).to_contain_text("High-risk")
    requirements = page.locator("#case-requirements")
    expect(requirements).to_contain_text("Impact assessment signed off")
    expect(requirements).to_contain_text("Bias validation passed")
    expect(page.locator("#case-risks")).to_contain_text(RISK_TITLE)
    expect(page.locator("#case-risks")).to_contain_text("Accepted above appetite")
    expect(page.locator("#case-earlier-decisions")).to_contain_text(approver.get_full_name())

    # Readable on a phone: no sideways scrolling of the page.
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "decision-page-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_label("Approve with conditions").check()
    page.get_by_label("Conditions", exact=True).fill("Report the refusal rate monthly")
    page.get_by_label("Conditions due on").fill((date.today() + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"Your decision on {system.reference} Loan scoring was recorded"
    )
    approval = Approval.objects.get(system=system, gate="release")
    assert approval.approver == second and approval.decision == "approve_with_conditions"

    # The system page (its gates tab) shows the decision and its condition.
    expect(page.locator("#approvals")).to_contain_text(approval.reference)
    expect(page.locator("#approvals")).to_contain_text("Approve with conditions")
    expect(page.locator("#conditions")).to_contain_text("Report the refusal rate monthly")
