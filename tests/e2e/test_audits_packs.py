"""An auditor requests an evidence pack in the browser, sees it become ready and downloads
the PDF."""

import pytest
from playwright.sync_api import expect

from aims.roles import AUDITOR, OWNER
from tests.factories import make_system, user_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_auditor_requests_and_downloads_a_pack(login, tmp_path):
    make_system(user_with_role(OWNER, username="pack_owner"), name="Support chatbot")
    auditor = user_with_role(AUDITOR, username="pack_auditor")

    page = login(auditor)
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Assurance").or_(
        nav.get_by_role("link", name="Assurance")
    ).click()
    nav.get_by_role("link", name="Evidence packs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evidence packs")
    page.get_by_label("Scope").select_option(label="The whole AIMS")
    page.get_by_role("button", name="Request pack").click()

    expect(page.get_by_test_id("pack-status")).to_have_text("Ready", timeout=60_000)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download PDF").click()
    target = tmp_path / info.value.suggested_filename
    info.value.save_as(target)
    assert target.name.startswith("PACK-") and target.suffix == ".pdf"
    assert target.read_bytes()[:5] == b"%PDF-"
