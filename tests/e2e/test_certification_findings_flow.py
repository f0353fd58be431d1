"""A finding of the certification body in a real browser, from its record to its close.

After a completed stage 2 audit (written with the ORM here: its pages belong to another part
of the certification work), the governance officer records a major nonconformity against
clause 6.1.2 with the body's deadline: a corrective action opens with that deadline. The
finding's owner, a system owner, finds it, answers it before the deadline with a response
and a link to the evidence; the officer then closes it as accepted by the body."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from playwright.sync_api import Page, expect

from aims.history import stamp
from aims.models import CorrectiveAction
from aims.roles import OFFICER, OWNER
from audits.models import (
    CatalogueItem,
    CertificationBody,
    ExternalAudit,
    ExternalFinding,
    FindingResponse,
)
from tests.factories import user_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def label(user) -> str:
    return f"{user.get_full_name()} ({user.username})"


def completed_stage_2(officer) -> ExternalAudit:
    # One transaction, as a service would: the audit trail seals history rows on commit.
    with transaction.atomic():
        return _completed_stage_2(officer)


def _completed_stage_2(officer) -> ExternalAudit:
    body = CertificationBody(name="Nordic Assurance Certification", accreditation="NA 042")
    stamp(body, actor=officer, reason="Body recorded")
    body.save()
    today = timezone.localdate()
    audit = ExternalAudit(
        body=body,
        kind=ExternalAudit.Kind.STAGE_2,
        title="Stage 2 certification audit",
        start_date=today - timedelta(days=3),
        end_date=today - timedelta(days=1),
        scope="The AIMS of the credit scoring unit",
        created_by=officer,
    )
    audit.status = ExternalAudit.Status.COMPLETED
    stamp(audit, actor=officer, reason="Audit completed")
    audit.save()
    return audit


def test_a_major_nonconformity_is_recorded_answered_and_closed(login, screenshot):
    officer = user_with_role(OFFICER, username="cf_officer", first_name="Grace", last_name="Okafor")
    owner = user_with_role(OWNER, username="cf_owner", first_name="Tomas", last_name="Berg")
    audit = completed_stage_2(officer)
    risk, _ = CatalogueItem.objects.get_or_create(
        code="6.1.2",
        defaults={"kind": "clause", "title": "AI risk assessment", "sort_key": "06.01.02"},
    )
    deadline = timezone.localdate() + timedelta(days=60)

    # --- The officer records the nonconformity; without a clause it is refused. ----------
    page: Page = login(officer)
    page.goto(f"/certification/audits/{audit.pk}/findings/new/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record a finding of the body")
    page.get_by_label("Major nonconformity").check()
    page.get_by_label("Title").fill("Risk assessment not repeated after a model change")
    page.get_by_label("Description").fill(
        "The scoring model was retrained in March; no new risk assessment was made."
    )
    page.get_by_label("Response deadline").fill(deadline.isoformat())
    page.get_by_label("Owner").select_option(label=label(owner))
    page.get_by_role("button", name="Record finding").click()
    expect(page.locator("#id_clauses_errors")).to_contain_text("at least one clause")
    expect(page.get_by_label("Title")).to_have_value(
        "Risk assessment not repeated after a model change"
    )
    assert not ExternalFinding.objects.exists()

    page.get_by_label("Clauses or controls").select_option(value=str(risk.pk))
    page.get_by_role("button", name="Record finding").click()
    finding = ExternalFinding.objects.get()
    capa = CorrectiveAction.objects.get()
    expect(page.get_by_role("status").first).to_contain_text(f"{capa.reference} opened")
    expect(page.get_by_role("heading", level=1)).to_contain_text(finding.reference)
    expect(page.locator("#finding-clauses")).to_contain_text("6.1.2")
    expect(page.locator("#finding-capa")).to_contain_text(capa.reference)
    assert capa.due_date == deadline and capa.owner == owner
    assert finding.kind == ExternalFinding.Kind.MAJOR and finding.corrective_action == capa
    expect(page.locator("#finding-status")).to_have_text("Open")
    screenshot(page, "certification-finding-recorded")

    # --- The owner finds their finding and answers it before the deadline. ---------------
    owner_page = login(owner)
    owner_page.goto("/certification/findings/")
    owner_page.get_by_role("link", name=finding.title).click()
    expect(owner_page.get_by_role("heading", level=1)).to_contain_text(finding.reference)
    expect(owner_page.get_by_role("button", name="Close: accepted by the body")).to_have_count(0)
    owner_page.get_by_role("link", name="Send a response").click()
    owner_page.get_by_label("Correction").fill("A risk assessment of the retrained model.")
    owner_page.get_by_label("Root cause").fill("Retraining was not treated as a change.")
    owner_page.get_by_label("Corrective action taken").fill(
        "The change procedure now lists retraining; the pipeline blocks a release without "
        "a new assessment."
    )
    owner_page.get_by_label("Evidence link").fill("https://intranet.example.org/ra-2026-03")
    owner_page.get_by_role("button", name="Record response").click()
    expect(owner_page.get_by_role("status").first).to_contain_text("Response to")
    expect(owner_page.locator("#finding-status")).to_have_text("Response sent")
    response = FindingResponse.objects.get()
    assert response.sent_by == owner and response.sent_on <= deadline
    assert response.evidence.count() == 1

    # --- The officer closes it: the body accepted the response. --------------------------
    page.reload()
    expect(page.locator("#finding-status")).to_have_text("Response sent")
    expect(page.get_by_role("main")).to_contain_text("Retraining was not treated as a change.")
    page.get_by_label("Note (optional)").fill("Accepted in the body's letter of this week")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Close: accepted by the body").click()
    expect(page.get_by_role("status").first).to_contain_text("closed")
    expect(page.locator("#finding-status")).to_have_text("Closed by the body")
    screenshot(page, "certification-finding-closed")
    finding.refresh_from_db()
    assert finding.status == ExternalFinding.Status.CLOSED
    assert finding.closure_note == "Accepted in the body's letter of this week"
