"""The SoA in a real browser: an officer uploads an evidence file to a control and marks it
implemented, and the readiness percentage rises; an auditor then sees the control with its
evidence, has no way to edit it, and a forged POST is refused."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aims.people import choice_label
from aims.roles import APPROVER, AUDITOR, OFFICER
from audits.models import ControlStatement
from audits.soa import services as soa_services
from tests.factories import user_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CODE = "A.6.2.4"

# Visible form controls with neither a <label> nor an aria-label/aria-labelledby.
UNLABELLED_CONTROLS_JS = """
() => Array.from(document.querySelectorAll("input, select, textarea"))
  .filter((el) => el.type !== "hidden" && el.offsetParent !== null)
  .filter((el) => !(el.labels && el.labels.length)
               && !el.getAttribute("aria-label")
               && !el.getAttribute("aria-labelledby"))
  .map((el) => el.outerHTML)
"""


def assert_accessible(page, path: str) -> None:
    page.goto(path)
    expect(page.locator("h1")).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)
    assert page.evaluate(UNLABELLED_CONTROLS_JS) == [], path


def readiness_percent(page) -> int:
    page.goto("/controls/readiness/")
    return int(page.locator("#readiness-percent").inner_text())


def test_officer_makes_a_control_ready_and_the_auditor_can_only_read_it(
    login, screenshot, tmp_path: Path
):
    officer = user_with_role(OFFICER, username="e2e_officer")
    auditor = user_with_role(AUDITOR, username="e2e_auditor")
    statement = ControlStatement.objects.get(item__code=CODE)
    evidence_file = tmp_path / "validation-report.pdf"
    evidence_file.write_bytes(b"%PDF-1.4 bias and accuracy validation report")

    page = login(officer)
    before = readiness_percent(page)

    # The officer finds the control in the catalogue.
    page.get_by_role("button", name="Assurance").click()
    page.get_by_role("link", name="Controls and SoA").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Controls and Statement of Applicability"
    )
    page.get_by_label("Search").fill("verification and validation")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("link", name="AI system verification and validation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(CODE)

    # Uploads the evidence file through the evidence attach page.
    page.get_by_role("link", name="Attach evidence").click()
    page.get_by_label("Title").fill("Release validation report")
    page.get_by_label("File").set_input_files(str(evidence_file))
    page.get_by_label("Valid until").fill((timezone.localdate() + timedelta(days=180)).isoformat())
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_role("status").first).to_contain_text("EVD-")
    expect(page.locator("#evidence-list")).to_contain_text("Release validation report")
    expect(page.locator("#evidence-list")).to_contain_text("In date")

    # Marks it implemented, with an owner.
    form = page.locator("#statement-form")
    form.get_by_label("Implementation status").select_option("implemented")
    form.get_by_label("Owner").select_option(label=choice_label(officer))
    form.get_by_label("How it is implemented").fill("Bias and accuracy tests gate every release.")
    form.get_by_role("button", name="Save the statement").click()
    expect(page.get_by_role("status").first).to_contain_text(f"Statement of {CODE} saved")
    expect(page.locator("#statement-status")).to_have_text("Implemented")
    expect(page.locator("[data-ready]").first).to_have_text("Ready")
    screenshot(page, "soa-control-ready")

    after = readiness_percent(page)
    assert after > before
    screenshot(page, "soa-readiness")

    # Every SoA page has one h1, a main landmark and labelled controls.
    page.goto("/controls/versions/approve/")
    # The officer changed the SoA, so the approval falls to someone else: the page says so
    # before any form is filled in, and offers none.
    expect(page.locator("#own-changes")).to_contain_text("nobody signs off their own changes")
    expect(page.get_by_role("button", name="Approve as a new version")).to_have_count(0)
    soa_services.soa_version_approve(
        actor=user_with_role(APPROVER, username="soa_approver"), note="First approved SoA"
    )
    page.goto("/controls/versions/1/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("version 1")
    for path in (
        "/controls/",
        f"/controls/{statement.pk}/",
        f"/controls/{statement.pk}/edit/",
        "/controls/readiness/",
        "/controls/versions/",
        "/controls/versions/1/",
        "/controls/versions/compare/?a=1&b=current",
        "/controls/versions/approve/",
    ):
        assert_accessible(page, path)

    # The auditor sees the control, its status and its evidence, and cannot change them.
    auditor_page = login(auditor)
    auditor_page.goto(f"/controls/{statement.pk}/")
    expect(auditor_page.locator("#statement-status")).to_have_text("Implemented")
    expect(auditor_page.locator("#evidence-list")).to_contain_text("Release validation report")
    expect(auditor_page.locator("#statement-form")).to_have_count(0)
    expect(auditor_page.get_by_role("button", name="Save the statement")).to_have_count(0)
    expect(auditor_page.get_by_role("link", name="Attach evidence")).to_have_count(0)
    assert readiness_percent(auditor_page) == after

    # A forged POST (with the auditor's own valid CSRF token) is refused and changes nothing.
    auditor_page.goto(f"/controls/{statement.pk}/")
    token = auditor_page.context.cookies()
    csrf = next(c["value"] for c in token if c["name"] == "csrftoken")
    response = auditor_page.request.post(
        f"/controls/{statement.pk}/edit/",
        form={"implementation_status": "not_started", "csrfmiddlewaretoken": csrf},
        headers={"X-CSRFToken": csrf, "Referer": auditor_page.url},
    )
    assert response.status == 403
    api = auditor_page.request.patch(
        f"/api/v1/soa/{statement.pk}/",
        data={"implementation_status": "not_started"},
        headers={"X-CSRFToken": csrf, "Referer": auditor_page.url},
    )
    assert api.status == 403
    statement.refresh_from_db()
    assert statement.implementation_status == "implemented"
    assert re.search(r"EVD-\d{4}", statement.evidence.get().reference)
