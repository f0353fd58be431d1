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


def test_account_pages_pass_axe(login):
    from aims.accounts import services
    from aims.roles import OFFICER

    officer = user_with_role(OFFICER, username="e2e_token_officer")
    owner = user_with_role(OWNER, username="e2e_bridge_owner")
    account = services.service_account_create(
        actor=officer, name="Ticket bridge", description="Pushes incidents", owner=owner,
        roles=[OWNER],
    )  # fmt: skip
    page = login(officer)
    report = []
    for path in (
        "/accounts/sessions/",
        "/accounts/service-accounts/",
        "/accounts/service-accounts/new/",
        f"/accounts/service-accounts/{account.pk}/",
        f"/accounts/service-accounts/{account.pk}/edit/",
        f"/accounts/service-accounts/{account.pk}/tokens/new/",
        "/accounts/tokens/new/",
    ):
        assert page.goto(path).status == 200, path
        report += [f"{path}: {v['id']} {v.get('nodes', [])[:1]}" for v in axe_violations(page)]
    expect(page.get_by_role("heading", level=1)).to_contain_text("New API token")
    context = page.context.browser.new_context(base_url=page.url.split("/accounts")[0])
    anonymous = context.new_page()
    for path in ("/accounts/login/", "/accounts/password-reset/", "/accounts/password-reset/sent/"):
        assert anonymous.goto(path).status == 200, path
        report += [f"{path}: {v['id']} {v.get('nodes', [])[:1]}" for v in axe_violations(anonymous)]
    context.close()
    assert not report, "\n".join(report)
