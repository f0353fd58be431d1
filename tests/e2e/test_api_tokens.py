"""A person creates an API token on its page, copies the secret (shown once), uses it, and
revokes it after a confirmation; the token stops working at once."""

import pytest
from playwright.sync_api import expect

from aims.accounts.models import ApiToken, hash_secret
from aims.roles import OWNER
from tests.e2e.test_axe import axe_violations
from tests.factories import user_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_create_copy_use_and_revoke_a_token(login, screenshot):
    owner = user_with_role(OWNER, username="e2e_token_owner")
    page = login(owner)
    page.goto("/accounts/tokens/")
    expect(page.get_by_role("heading", level=1, name="Your API tokens")).to_be_visible()
    page.get_by_role("link", name="Create a token").click()
    page.get_by_label("Name").fill("Nightly export")
    page.get_by_label("Risk and impact").select_option("read")
    page.get_by_role("button", name="Create token").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("Nightly export")
    secret = page.get_by_label("Secret").input_value()
    assert secret.startswith("aims_")
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert axe_violations(page) == []
    token = ApiToken.objects.get(user=owner)
    assert token.key_hash == hash_secret(secret)

    api = page.request
    me = api.get("/api/v1/me/", headers={"Authorization": f"Token {secret}"})
    assert me.status == 200 and me.json()["username"] == "e2e_token_owner"

    page.get_by_role("link", name="Done").click()
    row = page.locator(f'tr[data-token="{token.prefix}"]')
    expect(row).to_contain_text("Nightly export")
    expect(row).to_contain_text("Active")
    expect(page.locator("body")).not_to_contain_text(secret)
    assert axe_violations(page) == []
    row.get_by_role("link", name="Revoke").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Revoke the token")
    page.get_by_label("Reason (optional)").fill("Finished")
    page.get_by_role("button", name="Revoke token").click()
    expect(page.locator(f'tr[data-token="{token.prefix}"]')).to_contain_text("Revoked")
    screenshot(page, "api-tokens")

    refused = api.get("/api/v1/me/", headers={"Authorization": f"Token {secret}"})
    assert refused.status == 401 and refused.json()["code"] == "token_revoked"
