"""Keyboard and accessibility smoke test: page structure, labelled form controls and the
skip link, checked in a real browser."""

import pytest
from playwright.sync_api import Page, expect

from aims.roles import OWNER
from tests.factories import user_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# Visible form controls with neither a <label> nor an aria-label/aria-labelledby.
UNLABELLED_CONTROLS_JS = """
() => Array.from(document.querySelectorAll("input, select, textarea"))
  .filter((el) => el.type !== "hidden" && el.offsetParent !== null)
  .filter((el) => !(el.labels && el.labels.length)
               && !el.getAttribute("aria-label")
               && !el.getAttribute("aria-labelledby"))
  .map((el) => el.outerHTML)
"""


def assert_page_structure(page: Page) -> None:
    expect(page.locator("h1")).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_structure_labels_and_skip_link(page, login):
    page.goto("/accounts/login/")
    assert_page_structure(page)
    assert page.evaluate(UNLABELLED_CONTROLS_JS) == []

    owner = user_with_role(OWNER, username="olga_owner")
    page = login(owner)

    # The skip link is the first thing the keyboard reaches, and it lands on the content.
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Skip to main content"
    expect(page.get_by_role("link", name="Skip to main content")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()

    page.goto("/systems/")
    assert_page_structure(page)
    assert page.evaluate(UNLABELLED_CONTROLS_JS) == []

    page.goto("/systems/intake/")
    assert_page_structure(page)
    controls = page.locator("#intake-form").locator("input:visible, select:visible, textarea")
    assert controls.count() >= 15
    assert page.evaluate(UNLABELLED_CONTROLS_JS) == []
    # Required fields say so to assistive technology, not only with a red asterisk.
    expect(page.get_by_label("Purpose")).to_be_visible()
    label = page.locator("label[for=id_purpose]")
    expect(label).to_contain_text("(required)")
