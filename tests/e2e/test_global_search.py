"""The search box in the navigation, in a real browser: a system owner does not find another
owner's system (by reference or by name), then finds their own — by words, and by reference
straight to its page. Keyboard only: the box is reached by its label and sent with Enter."""

import re

import pytest
from playwright.sync_api import Page, expect

from aims.roles import OWNER
from tests.factories import make_system, user_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def search(page: Page, text: str) -> None:
    box = page.get_by_role("search", name="Find records").get_by_label(
        "Find a record by reference or words"
    )
    box.fill(text)
    box.press("Enter")


def test_owner_finds_only_their_own_systems(login):
    owner = user_with_role(OWNER, username="sam_owner")
    other = user_with_role(OWNER, username="tess_owner")
    mine = make_system(owner, name="Harbour crane scheduler")
    theirs = make_system(other, name="Payroll anomaly detector")
    page = login(owner)

    search(page, theirs.reference)
    expect(page.get_by_test_id("search-none")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile("Payroll"))).to_have_count(0)

    search(page, "payroll anomaly")
    expect(page.get_by_test_id("search-none")).to_be_visible()

    search(page, "crane")
    expect(page.get_by_role("heading", name="AI systems")).to_be_visible()
    page.get_by_role("link", name=f"{mine.reference} Harbour crane scheduler").click()
    expect(page.get_by_role("heading", level=1, name=re.compile("Harbour crane"))).to_be_visible()

    search(page, mine.reference.lower())
    expect(page).to_have_url(re.compile(rf"/systems/{mine.pk}/$"))
