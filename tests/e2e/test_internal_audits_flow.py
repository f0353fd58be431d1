"""An internal audit in a real browser, from planning to the refused close.

A governance officer plans an audit of two Annex A controls; the lead auditor first chosen
owns one of them and is refused by name, so an independent approver leads. The officer
generates the checklist, starts the fieldwork, records one nonconforming result, raises a
minor nonconformity from it and opens its corrective action; closing the audit is refused,
with the reasons, first while the corrective action is missing and then while an item is
still unassessed. An auditor then reads the audit and the finding, finds no way to change
them, and a forged POST is refused."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from aims.roles import APPROVER, AUDITOR, OFFICER
from audits.models import ChecklistItem, ControlStatement, Finding, InternalAudit
from audits.soa import services as soa_services
from tests.factories import user_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

POLICY = "A.2.2 AI policy"
ALIGNMENT = "A.2.3 Alignment with other organizational policies"


def label(user) -> str:
    return f"{user.get_full_name()} ({user.username})"


def csrf_post(page: Page, path: str, form: dict):
    """POST ``form`` to ``path`` with the page's own (valid) CSRF token."""
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    return page.request.post(
        path,
        form={**form, "csrfmiddlewaretoken": csrf},
        headers={"X-CSRFToken": csrf, "Referer": page.url},
        max_redirects=0,
    )


def close_audit(page: Page) -> None:
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Close the audit").click()


def test_officer_runs_an_audit_and_the_auditor_can_only_read_it(login, screenshot):
    officer = user_with_role(OFFICER, username="ia_officer", first_name="Grace", last_name="Okafor")
    owner_of_policy = user_with_role(
        APPROVER, username="ia_anders", first_name="Anders", last_name="Lindqvist"
    )
    independent = user_with_role(
        APPROVER, username="ia_priya", first_name="Priya", last_name="Raman"
    )
    auditor = user_with_role(AUDITOR, username="ia_auditor", first_name="Aisha", last_name="Karim")
    soa_services.statement_update(
        actor=officer,
        statement=ControlStatement.objects.get(item__code="A.2.2"),
        data={"owner": owner_of_policy},
    )
    today = timezone.localdate()

    # --- The officer plans the audit; the first lead auditor is not independent. ----------
    page = login(officer)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Assurance").or_(
        nav.get_by_role("link", name="Assurance")
    ).click()
    nav.get_by_role("link", name="Internal audits").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Internal audits")
    page.get_by_role("link", name="Plan an audit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan an internal audit")

    page.locator("#id_title").fill("AI policy audit")
    page.locator("#id_scope").fill("The AI policy, its approval and its fit with other policies")
    page.locator("#id_planned_start").fill(today.isoformat())
    page.locator("#id_planned_end").fill((today + timedelta(days=14)).isoformat())
    page.locator("#id_lead_auditor").select_option(label=label(owner_of_policy))
    page.locator("#id_controls").select_option(label=[POLICY, ALIGNMENT])
    page.get_by_role("button", name="Save audit").click()

    error = page.locator("#id_lead_auditor_errors")
    expect(error).to_contain_text("Anders Lindqvist cannot be the lead auditor")
    expect(error).to_contain_text(f"control {POLICY}")
    expect(page.locator("#id_lead_auditor")).to_have_attribute("aria-invalid", "true")
    assert not InternalAudit.objects.exists()
    screenshot(page, "internal-audit-independence")

    # The choices survive the refusal; an independent lead is picked.
    page.locator("#id_lead_auditor").select_option(label=label(independent))
    page.get_by_role("button", name="Save audit").click()
    expect(page.get_by_role("status").first).to_contain_text("planned")
    audit = InternalAudit.objects.get()
    assert audit.lead_auditor == independent
    assert sorted(audit.controls.values_list("code", flat=True)) == ["A.2.2", "A.2.3"]
    expect(page.get_by_role("heading", level=1)).to_contain_text(audit.reference)
    expect(page.locator("#audit-status")).to_have_text("Planned")
    expect(page.locator("#start-blockers")).to_contain_text("Generate the checklist")

    # --- Checklist, fieldwork, one nonconforming result. ---------------------------------
    page.get_by_role("button", name="Generate from scope").click()
    expect(page.get_by_role("status").first).to_contain_text("2 items added")
    expect(page.locator("#checklist tbody tr")).to_have_count(2)
    page.get_by_role("button", name="Start fieldwork").click()
    expect(page.locator("#audit-status")).to_have_text("In progress")

    item = audit.checklist.get(item__code="A.2.2")
    row = page.locator(f"#item-{item.pk}")
    row.get_by_label("Result for A.2.2").select_option(label="Nonconforming")
    expect(row.get_by_label("Assessed by, for A.2.2")).to_have_value(str(independent.pk))
    row.get_by_label("Notes for A.2.2").fill("The published policy was never approved.")
    row.get_by_role("button", name="Save result for A.2.2").click()
    row = page.locator(f"#item-{item.pk}")
    expect(row.get_by_role("status")).to_have_text("Saved.")
    item.refresh_from_db()
    assert item.result == ChecklistItem.Result.NONCONFORMING
    assert item.assessed_by == independent

    # --- A minor nonconformity raised from that result. ----------------------------------
    row.get_by_role("link", name="Raise finding on A.2.2").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Raise a finding")
    expect(page.get_by_label("Minor nonconformity")).to_be_checked()
    page.get_by_label("Title").fill("AI policy published without approval")
    page.get_by_label("Description").fill(
        "Version 2 of the AI policy was published by its author; no approval is recorded."
    )
    page.get_by_role("button", name="Raise finding").click()
    finding = Finding.objects.get()
    expect(page.get_by_role("status").first).to_contain_text(f"{finding.reference} raised")
    expect(page.get_by_role("heading", level=1)).to_contain_text(finding.reference)
    expect(page.get_by_text("No corrective action yet")).to_be_visible()
    assert finding.kind == Finding.Kind.MINOR
    assert list(finding.controls.values_list("code", flat=True)) == ["A.2.2"]
    finding_url = page.url

    # --- Closing is refused while the corrective action is missing. ----------------------
    page.get_by_role("link", name=audit.reference).first.click()
    page.get_by_role("button", name="Move to reporting").click()
    expect(page.locator("#audit-status")).to_have_text("Reporting")
    blockers = page.locator("#close-blockers")
    expect(blockers).to_contain_text("1 checklist item is not assessed yet.")
    expect(blockers).to_contain_text(f"without a corrective action: {finding.reference}")
    page.get_by_label("Audit conclusion").fill("The policy process is sound apart from approval.")
    close_audit(page)
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text(f"{audit.reference} cannot close the audit yet")
    expect(refusal).to_contain_text("1 checklist item is not assessed yet.")
    expect(refusal).to_contain_text(f"without a corrective action: {finding.reference}")
    expect(page.locator("#audit-status")).to_have_text("Reporting")

    # --- The officer opens the corrective action from the finding. -----------------------
    page.goto(finding_url)
    page.get_by_role("link", name="Open corrective action").click()
    expect(page.get_by_label("Title")).to_have_value(re.compile(re.escape(finding.reference)))
    page.get_by_label("Action plan").fill("Route every policy version through the approver.")
    page.get_by_label("Owner").select_option(label=label(officer))
    page.get_by_label("Due date").fill((today + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Open corrective action").click()
    expect(page.get_by_role("status").first).to_contain_text(
        re.compile(rf"CAPA-\d+ opened on {finding.reference}")
    )
    capa_ref = re.search(r"CAPA-\d+", page.get_by_role("status").first.inner_text()).group()
    expect(page.get_by_role("table")).to_contain_text(capa_ref)

    # --- Still refused: one item is unassessed; the missing action is no longer a reason. -
    page.get_by_role("link", name=audit.reference).first.click()
    expect(page.locator("#close-blockers")).not_to_contain_text("without a corrective action")
    page.get_by_label("Audit conclusion").fill("The policy process is sound apart from approval.")
    close_audit(page)
    refusal = page.get_by_role("alert")
    expect(refusal).to_have_text(
        f"{audit.reference} cannot close the audit yet: 1 checklist item is not assessed yet."
    )
    expect(page.locator("#audit-status")).to_have_text("Reporting")
    screenshot(page, "internal-audit-close-refused")
    audit.refresh_from_db()
    assert audit.status == InternalAudit.Status.REPORTING and audit.closed_at is None

    # --- The auditor reads the audit and the finding, and cannot change them. ------------
    auditor_page = login(auditor)
    auditor_page.goto(f"/internal-audits/{audit.pk}/")
    expect(auditor_page.get_by_role("heading", level=1)).to_contain_text(audit.reference)
    expect(auditor_page.locator("#audit-status")).to_have_text("Reporting")
    checklist_row = auditor_page.locator(f"#item-{item.pk}")
    expect(checklist_row).to_contain_text("Nonconforming")
    expect(checklist_row).to_contain_text("The published policy was never approved.")
    expect(auditor_page.locator("#findings")).to_contain_text(finding.reference)
    main = auditor_page.get_by_role("main")
    expect(main.locator("form")).to_have_count(0)
    expect(main.locator("select, textarea")).to_have_count(0)
    expect(main.get_by_role("link", name="Edit")).to_have_count(0)
    expect(main.get_by_role("link", name="Raise a finding")).to_have_count(0)
    expect(main.get_by_role("link", name=re.compile("^Raise finding"))).to_have_count(0)
    expect(main.get_by_role("link", name=re.compile("^Attach"))).to_have_count(0)
    expect(main.get_by_role("button")).to_have_count(0)

    auditor_page.get_by_role("link", name="AI policy published without approval").click()
    expect(auditor_page.get_by_role("heading", level=1)).to_contain_text(finding.reference)
    expect(auditor_page.locator("#finding-status")).to_have_text("Open")
    expect(auditor_page.get_by_role("main")).to_contain_text("no approval is recorded")
    expect(auditor_page.get_by_role("main")).to_contain_text(capa_ref)
    main = auditor_page.get_by_role("main")
    expect(main.locator("form")).to_have_count(0)
    expect(main.get_by_role("link", name="Edit")).to_have_count(0)
    expect(main.get_by_role("link", name="Open corrective action")).to_have_count(0)
    expect(main.get_by_role("button")).to_have_count(0)

    # Forged POSTs, with the auditor's own valid CSRF token, are refused and change nothing.
    edit = csrf_post(
        auditor_page,
        f"/internal-audits/{audit.pk}/edit/",
        {"title": "Rewritten by the auditor", "scope": "x", "lead_auditor": auditor.pk},
    )
    assert edit.status == 403
    finding_edit = csrf_post(
        auditor_page,
        f"/internal-audits/findings/{finding.pk}/edit/",
        {"kind": "observation", "title": "Downgraded", "description": "x"},
    )
    assert finding_edit.status == 403
    close = csrf_post(
        auditor_page, f"/internal-audits/{audit.pk}/action/close/", {"note": "Closed by auditor"}
    )
    assert close.status == 403
    audit.refresh_from_db()
    finding.refresh_from_db()
    assert audit.title == "AI policy audit" and audit.status == InternalAudit.Status.REPORTING
    assert finding.kind == Finding.Kind.MINOR and finding.title != "Downgraded"
