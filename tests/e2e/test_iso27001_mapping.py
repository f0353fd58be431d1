"""ISO/IEC 27001 reuse in a real browser: an officer reviews the suggested mapping from 27001
8.15 (logging) to 42001 A.6.2.8 (event logs), and the 42001 item's readiness then counts the
evidence of the implemented 27001 control, naming where it came from. The new pages have one
h1, a main landmark and labelled controls."""

import re

import pytest
from playwright.sync_api import expect

from aims.evidence.services import evidence_create
from aims.roles import OFFICER
from audits.iso27001 import services as iso_services
from audits.models import ControlMapping, ControlStatement, SecurityControl
from audits.soa import services as soa_services
from tests.factories import user_with_role

from .test_soa_readiness import assert_accessible

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_officer_reviews_a_suggested_mapping_and_readiness_uses_the_27001_evidence(
    login, screenshot
):
    officer = user_with_role(OFFICER, username="e2e_iso_officer")
    statement = ControlStatement.objects.get(item__code="A.6.2.8")
    soa_services.statement_update(
        actor=officer,
        statement=statement,
        data={"owner": officer, "implementation_status": "implemented"},
    )
    logging = SecurityControl.objects.get(code="8.15")
    iso_services.control_update(
        actor=officer, control=logging, data={"implementation_status": "implemented"}
    )
    evidence_create(
        actor=officer,
        target=logging,
        title="Central log retention report",
        url="https://example.org/logs",
    )

    page = login(officer)
    page.goto(f"/controls/{statement.pk}/")
    expect(page.locator("[data-ready]").first).not_to_have_text("Ready")
    expect(page.get_by_text("No in-date evidence")).to_be_visible()

    # The officer finds the suggestion through the menu and the mapping list.
    page.get_by_role("button", name="Assurance").click()
    page.get_by_role("link", name="ISO/IEC 27001 controls").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("ISO/IEC 27001 controls")
    page.get_by_role("link", name="Mappings to ISO/IEC 42001").click()
    page.get_by_label("Search").fill("8.15")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("link", name=re.compile(r"Review mapping 8\.15 to A\.6\.2\.8")).click()
    expect(page.locator("#mapping-decision")).to_contain_text("Not reviewed yet")
    page.get_by_label("Review note").fill("Log retention checked with IT operations.")
    page.get_by_role("button", name="Confirm the mapping").click()
    expect(page.get_by_role("status").first).to_contain_text("Mapping reviewed")
    expect(page.locator("#mapping-status")).to_contain_text("Reviewed")
    expect(page.get_by_role("button", name="Confirm the mapping")).to_have_count(0)
    screenshot(page, "iso27001-mapping-reviewed")

    # The 42001 item is now ready, on the 27001 evidence, and says where it came from.
    page.goto(f"/controls/{statement.pk}/")
    expect(page.locator("[data-ready]").first).to_have_text("Ready")
    expect(page.locator(".security-support")).to_contain_text(
        "evidence from ISO/IEC 27001 8.15 via a mapping reviewed by"
    )
    expect(page.locator("#iso27001-mappings")).to_contain_text("8.15")
    screenshot(page, "iso27001-supported-statement")

    mapping = ControlMapping.objects.get(security_control=logging, item__code="A.6.2.8")
    assert mapping.status == "reviewed" and mapping.reviewed_by == officer
    for path in (
        "/controls/iso27001/",
        f"/controls/iso27001/{logging.pk}/",
        f"/controls/iso27001/{logging.pk}/edit/",
        "/controls/iso27001/mappings/",
        f"/controls/iso27001/mappings/{mapping.pk}/",
        "/controls/iso27001/mappings/add/",
    ):
        assert_accessible(page, path)
