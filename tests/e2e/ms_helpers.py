"""Helpers of the management-system and assurance browser tests: a realistic world loaded
through the same demo loaders as ``manage.py load_demo`` (minus the long inventory story), and
the in-page checks of the accessibility test."""

from io import StringIO

from playwright.sync_api import Page

from tests.factories import PASSWORD, make_system

# Visible form controls (buttons included) with no accessible name: no <label>, no
# aria-label/aria-labelledby and, for buttons, no text.
UNNAMED_CONTROLS_JS = """
() => Array.from(document.querySelectorAll("input, select, textarea, button"))
  .filter((el) => el.type !== "hidden" && el.offsetParent !== null)
  .filter((el) => !(el.labels && el.labels.length)
               && !(el.getAttribute("aria-label") || "").trim()
               && !el.getAttribute("aria-labelledby")
               && !(el.tagName === "BUTTON" && el.textContent.trim())
               && !(el.type === "submit" && el.value))
  .map((el) => el.outerHTML.slice(0, 200))
"""

# Ids used more than once in the document.
DUPLICATE_IDS_JS = """
() => {
  const seen = {};
  document.querySelectorAll("[id]").forEach((el) => { seen[el.id] = (seen[el.id] || 0) + 1; });
  return Object.keys(seen).filter((id) => seen[id] > 1);
}
"""

# Images without an alt attribute, and icons/SVGs that are neither hidden from assistive
# technology nor labelled.
UNLABELLED_GRAPHICS_JS = """
() => {
  const bad = [];
  document.querySelectorAll("img").forEach((el) => {
    if (!el.hasAttribute("alt")) bad.push(el.outerHTML.slice(0, 200));
  });
  document.querySelectorAll("i.bi, i[class^='bi-'], svg, [role=img]").forEach((el) => {
    const hidden = el.closest("[aria-hidden=true]");
    const named = (el.getAttribute("aria-label") || "").trim() || el.getAttribute("aria-labelledby")
      || (el.tagName.toLowerCase() === "svg" && el.querySelector("title"));
    if (!hidden && !named) bad.push(el.outerHTML.slice(0, 200));
  });
  return bad;
}
"""

SCROLL_WIDTH_JS = "() => document.documentElement.scrollWidth"
VIEWPORT_WIDTH = 1280


def load_world() -> dict:
    """Demo users (password PASSWORD) and the demo records of the management system,
    competence, reminders, the SoA and internal audits, played through the services."""
    from aims import demo as aims_demo
    from audits import demo as audits_demo
    from inventory.management.commands.load_demo import ensure_users

    users, _ = ensure_users(PASSWORD)
    make_system(users["owner"], name="Support chatbot")
    make_system(users["owner2"], name="Invoice fraud scoring", business_unit="finance")
    out = StringIO()
    aims_demo.load(stdout=out)
    audits_demo.load(stdout=out)
    return users


def page_problems(page: Page, path: str) -> list[str]:
    """Open ``path`` and return what is wrong with it (an empty list when nothing is)."""
    problems: list[str] = []
    response = page.goto(path)
    if response is None or response.status != 200:
        return [f"HTTP {response.status if response else 'no response'}"]
    h1s = page.locator("h1").count()
    if h1s != 1:
        problems.append(f"{h1s} h1 elements")
    mains = page.get_by_role("main").count()
    if mains != 1:
        problems.append(f"{mains} main landmarks")
    unnamed = page.evaluate(UNNAMED_CONTROLS_JS)
    if unnamed:
        problems.append(f"controls without an accessible name: {unnamed}")
    duplicates = page.evaluate(DUPLICATE_IDS_JS)
    if duplicates:
        problems.append(f"duplicate ids: {duplicates}")
    graphics = page.evaluate(UNLABELLED_GRAPHICS_JS)
    if graphics:
        problems.append(f"images/icons neither decorative nor labelled: {graphics}")
    width = page.evaluate(SCROLL_WIDTH_JS)
    if width > VIEWPORT_WIDTH:
        problems.append(f"horizontal overflow: scrollWidth {width} > {VIEWPORT_WIDTH}")
    problems.extend(skip_link_problems(page))
    return problems


def skip_link_problems(page: Page) -> list[str]:
    """The first Tab reaches the skip link; Enter on it moves the focus to <main>."""
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); }")
    page.keyboard.press("Tab")
    focused = page.evaluate("() => document.activeElement.textContent.trim()")
    if focused != "Skip to main content":
        return [f"first Tab focuses {focused[:60]!r}, not the skip link"]
    page.keyboard.press("Enter")
    if not page.evaluate("() => document.activeElement.tagName === 'MAIN'"):
        return ["the skip link does not move the focus to main"]
    return []
