"""In a browser: an owner who fails five times sees the "sign-in paused" page; a governance
officer finds the lockout on the sign-in audit and unlocks it; the owner then signs in. Each
page passes axe (WCAG 2.1 AA)."""

import pytest
from playwright.sync_api import expect

from aims.roles import OFFICER, OWNER
from tests.e2e.test_axe import axe_violations
from tests.factories import PASSWORD, user_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def _attempt(page, username: str, password: str):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.get_by_role("button", name="Log in").click()
    return answer.value


def test_locked_out_owner_is_unlocked_by_an_officer(new_page, login):
    owner = user_with_role(OWNER, username="locked_owner")
    officer = user_with_role(OFFICER, username="unlocking_officer")
    page = new_page()
    for _ in range(4):
        assert _attempt(page, owner.username, "wrong").status == 200
    assert _attempt(page, owner.username, "wrong").status == 429
    expect(page.get_by_role("heading", level=1, name="Sign-in paused")).to_be_visible()
    assert axe_violations(page) == []
    assert _attempt(page, owner.username, PASSWORD).status == 429

    desk = login(officer)
    desk.goto("/accounts/sign-ins/")
    expect(desk.get_by_role("heading", level=1, name="Sign-ins")).to_be_visible()
    assert axe_violations(desk) == []
    desk.get_by_role("link", name=f"Unlock ({owner.username})").first.click()
    expect(desk.get_by_role("heading", level=1, name="Unlock an account")).to_be_visible()
    assert axe_violations(desk) == []
    desk.get_by_role("button", name="Unlock the account").click()
    expect(desk.get_by_text(f"{owner.username} may sign in again")).to_be_visible()
    expect(desk.get_by_role("cell", name="Unlocked by")).to_have_count(1)

    assert _attempt(page, owner.username, PASSWORD).status == 302
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
