"""The AI policy in a real browser: an officer drafts it, an approver (not the drafter)
approves and publishes it, and a system owner sees the banner and acknowledges it.

The banner comes from templates/ms/_policy_banner.html, included by templates/base.html."""

import re

import pytest
from playwright.sync_api import expect

from aims.models import PolicyAcknowledgement, PolicyVersion
from aims.roles import APPROVER, OFFICER, OWNER
from tests.factories import user_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

TITLE = "Responsible AI policy"


def test_draft_approve_publish_and_acknowledge(login, screenshot):
    officer = user_with_role(OFFICER, username="e2e_officer")
    approver = user_with_role(APPROVER, username="e2e_approver")
    owner = user_with_role(OWNER, username="e2e_owner")

    # The officer drafts the policy; they may not approve their own text.
    page = login(officer)
    page.goto("/management-system/policies/new/")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Policy text").fill("We register every AI system before we use it.")
    page.get_by_role("button", name="Create policy and draft").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(page.locator("#pending-status")).to_have_text("Draft")
    expect(page.get_by_text("someone else approves it")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("Approve"))).to_have_count(0)
    detail_url = page.url

    # The approver approves and publishes it.
    approver_page = login(approver)
    approver_page.goto(detail_url)
    approver_page.get_by_role("button", name="Approve version 1").click()
    expect(approver_page.locator("#pending-status")).to_have_text("Approved")
    approver_page.get_by_role("button", name="Publish version 1").click()
    expect(approver_page.get_by_role("status")).to_contain_text("published")
    expect(approver_page.locator("#published-text")).to_contain_text("register every AI system")
    version = PolicyVersion.objects.get()
    assert version.status == "published" and version.approved_by == approver

    # The system owner sees the banner on the dashboard and acknowledges the policy.
    owner_page = login(owner)
    banner = owner_page.locator("#policy-banner")
    expect(banner).to_contain_text(TITLE)
    screenshot(owner_page, "ms-policy-banner")
    banner.get_by_role("link", name=re.compile(TITLE)).click()
    expect(owner_page.locator("#policy-text")).to_contain_text("register every AI system")
    owner_page.get_by_role("button", name="I have read and understood this policy").click()
    expect(owner_page.get_by_role("heading", level=1)).to_have_text("Policies to acknowledge")
    expect(owner_page.get_by_role("status")).to_contain_text("you acknowledged")
    expect(owner_page.locator("#nothing-pending")).to_be_visible()
    expect(owner_page.locator("#policy-banner")).to_have_count(0)
    assert PolicyAcknowledgement.objects.filter(version=version, user=owner).count() == 1
