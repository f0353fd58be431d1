"""Certification in a real browser: a governance officer records the certification body, plans
a stage 2 audit (warned that no stage 1 is recorded), starts it, records the outcome
"recommended", records the certificate the body issued, and finds the certificate's
surveillance audits and its recertification planned; the dashboard then shows the
certificate instead of "not certified yet"."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aims.roles import OFFICER
from audits.certification.models import Certificate, ExternalAudit
from tests.factories import user_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_officer_records_a_certificate_and_sees_its_cycle_planned(login, screenshot):
    officer = user_with_role(
        OFFICER, username="cert_officer", first_name="Grace", last_name="Okafor"
    )
    today = timezone.localdate()
    start = today + timedelta(days=7)

    page = login(officer)
    expect(page.locator("#not-certified")).to_be_visible()
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Assurance").or_(
        nav.get_by_role("link", name="Assurance")
    ).click()
    nav.get_by_role("link", name="Certification").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("External audits")

    # --- The body ---------------------------------------------------------------------------
    page.get_by_role("link", name="Certification bodies").click()
    page.get_by_role("link", name="Record a body").click()
    page.locator("#id_name").fill("Northern Assurance Ltd")
    page.locator("#id_accreditation").fill("National accreditation 0421")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Northern Assurance Ltd")

    # --- Plan the stage 2 audit; a wrong date order is refused on its field first ----------
    page.get_by_role("link", name="Plan an external audit").click()
    expect(page.locator("#id_body option:checked")).to_contain_text("Northern Assurance Ltd")
    page.locator("#id_kind").select_option("stage2")
    page.locator("#id_title").fill("Initial certification, stage 2")
    page.locator("#id_start_date").fill(start.isoformat())
    page.locator("#id_end_date").fill((start - timedelta(days=1)).isoformat())
    page.locator("#id_scope").fill("The AI management system of the whole company")
    page.get_by_role("button", name="Save audit").click()
    expect(page.locator("#id_end_date_errors")).to_contain_text("cannot end before it starts")
    page.locator("#id_end_date").fill((start + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Save audit").click()
    expect(page.locator("#stage2-warning")).to_contain_text("stage 1")
    expect(page.locator("#audit-readiness")).to_be_visible()
    screenshot(page, "certification-stage2-planned")

    # --- Start, then record the outcome -----------------------------------------------------
    page.get_by_role("link", name="Start the audit").click()
    page.get_by_role("button", name="Start the audit").click()
    expect(page.locator("#audit-status")).to_have_text("In progress")
    page.get_by_role("link", name="Record the outcome").click()
    page.get_by_label("Certification recommended or maintained").check()
    page.locator("#id_notes").fill("No nonconformity; two opportunities for improvement.")
    page.get_by_role("button", name="Record the outcome").click()
    expect(page.locator("#audit-status")).to_have_text("Completed")
    expect(page.locator("#audit-outcome")).to_contain_text("recommended")

    # --- Record the certificate -------------------------------------------------------------
    page.get_by_role("link", name="Record the certificate").click()
    page.locator("#id_number").fill("NA-AIMS-2026-017")
    page.locator("#id_issued_on").fill(today.isoformat())
    page.locator("#id_expires_on").fill(today.replace(year=today.year + 3).isoformat())
    page.get_by_role("button", name="Record the certificate").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("NA-AIMS-2026-017")
    cycle = page.locator("#cycle-audits")
    expect(cycle.get_by_role("row")).to_have_count(4)  # header + 2 surveillance + recert
    expect(cycle).to_contain_text("Surveillance audit 1")
    expect(cycle).to_contain_text("Surveillance audit 2")
    expect(cycle).to_contain_text("Recertification")
    expect(page.locator("#next-audit")).to_contain_text("Surveillance audit 1")
    screenshot(page, "certification-cycle-planned")

    certificate = Certificate.objects.get()
    assert certificate.issuing_audit.outcome == ExternalAudit.Outcome.RECOMMENDED
    assert certificate.audits.filter(kind="surveillance", status="planned").count() == 2

    # --- The dashboard shows the certificate ------------------------------------------------
    page.goto(page.url.split("/certification/")[0] + "/")
    expect(page.locator("#certificate-summary")).to_contain_text("NA-AIMS-2026-017")
    expect(page.locator("#next-external-audit")).to_contain_text("Surveillance audit 1")
