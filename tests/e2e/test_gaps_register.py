"""Working the readiness gaps in a real browser: an officer finds a gap in the register,
assigns it to a person with a due date, and exports the register to XLSX; the download holds
the gap with its owner and due date."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from aims.people import choice_label, display_name
from aims.roles import OFFICER, OWNER
from tests.factories import user_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CODE = "A.6.2.6"  # not ready on a fresh catalogue


def test_officer_assigns_a_gap_and_exports_the_register(login, screenshot, tmp_path: Path):
    officer = user_with_role(OFFICER, username="e2e_gap_officer")
    person = user_with_role(OWNER, username="e2e_gap_owner")
    person.first_name, person.last_name = "Grace", "Hopper"
    person.save()
    due = timezone.localdate() + timedelta(days=21)

    page = login(officer)
    page.goto("/controls/readiness/")
    page.locator("#gap-register-link").click()
    expect(page.get_by_role("heading", level=1, name="Readiness gaps")).to_be_visible()
    page.get_by_label("Search").fill(CODE)
    page.get_by_role("button", name="Apply filters").click()
    row = page.locator(f'tr[data-record="{CODE}"]')
    row.get_by_role("link", name="Not ready yet").click()

    page.get_by_label("Owner").select_option(label=choice_label(person))
    page.get_by_label("Due date").fill(due.isoformat())
    page.get_by_role("button", name="Assign").click()
    expect(page.locator("#gap-owner")).to_have_text(display_name(person))
    screenshot(page, "gap-assigned")

    page.goto("/controls/readiness/gaps/")
    with page.expect_download() as info:
        page.get_by_role("link", name="Export XLSX").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.name == "readiness-gaps.xlsx"
    header, *rows = list(load_workbook(target).active.iter_rows(values_only=True))
    found = [dict(zip(header, r, strict=True)) for r in rows if r[header.index("Record")] == CODE]
    assert len(found) == 1
    assert found[0]["Owner"] == "Grace Hopper"
    assert found[0]["Due date"].date() == due
    assert found[0]["Status"] == "Open"
