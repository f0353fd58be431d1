"""An officer downloads the systems template, uploads it, reads the preview (one system to
create, nothing refused) and commits it after a confirmation."""

import pytest
from playwright.sync_api import expect

from aims.roles import OFFICER
from inventory.models import AISystem
from tests.e2e.test_axe import axe_violations
from tests.factories import user_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_the_template_uploads_previews_and_commits(login):
    officer = user_with_role(OFFICER, username="e2e_import_officer")
    page = login(officer)
    page.goto("/imports/new/")
    expect(page.get_by_role("heading", level=1, name="New import")).to_be_visible()
    link = page.get_by_role("link", name="XLSX template").first
    template = page.request.get(link.get_attribute("href"))
    assert template.ok

    page.get_by_label("What the file holds").select_option("systems")
    page.get_by_label("Spreadsheet").set_input_files(
        files=[{"name": "template.xlsx", "mimeType": "application/octet-stream",
                "buffer": template.body()}]
    )  # fmt: skip
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.locator("#import-status")).to_have_text("Previewed")
    expect(page.locator('[data-count="create"]')).to_have_text("1")
    expect(page.locator('[data-count="refused"]')).to_have_text("0")
    assert axe_violations(page) == []
    assert AISystem.objects.count() == 0

    page.get_by_role("link", name="Commit this import").click()
    page.get_by_role("button", name="Commit").click()
    expect(page.locator("#import-status")).to_have_text("Committed")
    assert AISystem.objects.get().external_id == "HR-CV-01"
