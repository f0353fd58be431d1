"""Accessibility of every page of the role matrix, measured in a browser.

For each role (officer, approver, owner, auditor) the test logs in once and opens every HTML
page the role matrix (tests/matrix) lets that role open, with the matrix's own records and
URL arguments (tests/matrix/pages.py), and runs axe-core (vendored, tests/e2e/vendor/) with
the WCAG 2.1 A and AA rules, colour contrast included. Every violation of every page is
listed at the end (page, rule, target), so one run shows all there is to fix. Files
(exports, downloads) are not pages and are left out; the pages are grouped by the lifecycle
stage the matrix puts their target system at, one test per stage.

The officer, who opens the most pages, also has every control of each page checked for a
visible focus indicator, and, once all the records exist, each page measured at 390 px (a
phone): it must not scroll sideways (wide tables scroll inside their own `.table-responsive`).
"""

import time

import pytest

from tests.factories import PASSWORD
from tests.matrix.pages import matrix_pages, stages

from .test_axe import AXE, SIDEWAYS

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """
async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return result.violations.flatMap((v) => v.nodes.map((n) => v.id + " " + n.target.join(" ")));
}
"""

# A control has a visible focus indicator when focusing it changes its outline or box shadow
# (Bootstrap's focus ring is a box shadow; the browser's own is an outline).
NO_FOCUS_RING = """
() => {
  const seen = [];
  const ring = (el) => {
    const s = getComputedStyle(el);
    return [s.outlineStyle, s.outlineWidth, s.outlineColor, s.boxShadow].join("|");
  };
  const controls = document.querySelectorAll(
    "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex='0']");
  for (const el of controls) {
    if (el.disabled || !el.getClientRects().length) continue;
    const before = ring(el);
    el.focus({preventScroll: true});
    if (document.activeElement !== el) continue;
    const s = getComputedStyle(el);
    const visible = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0)
      || (s.boxShadow !== "none" && ring(el) !== before);
    el.blur();
    if (!visible) seen.push(el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
      + (el.className ? "." + String(el.className).trim().split(/\\s+/).join(".") : ""));
    if (seen.length >= 5) break;
  }
  return seen;
}
"""


def logged_in(new_page, role: str):
    page = new_page()
    # axe comes with every page the context opens (sent to the browser once, not per page).
    page.context.add_init_script(path=str(AXE))
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(f"m_{role}")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    return page


def audit(page, role: str, where: str) -> list[str]:
    """Every axe violation of the open page; for the officer also the focus indicators."""
    problems = [f"{where}: {v}" for v in axe_wcag(page)]
    if role == "officer":
        problems += [f"{where}: no visible focus on {c}" for c in page.evaluate(NO_FOCUS_RING)]
    return problems


def sideways_at_390(page, urls: list[tuple[str, str]]) -> list[str]:
    """Pages that scroll sideways on a phone: document.documentElement.scrollWidth must stay
    within clientWidth + 1 (the message names the widest elements)."""
    problems = []
    page.set_viewport_size({"width": 390, "height": 900})
    for url, key in urls:
        page.goto(url)
        width = page.evaluate(SIDEWAYS)
        if width["scrollWidth"] > width["clientWidth"] + 1:
            problems.append(f"officer {url} ({key}): scrolls sideways at 390 px ({width})")
    return problems


def is_full_page(page, response) -> bool:
    """An HTML document of its own: our pages start with a doctype; files (PDF) are not HTML,
    and htmx fragments (swapped into a page that is itself audited) have no doctype."""
    html = response.headers.get("content-type", "").startswith("text/html")
    return html and page.evaluate("document.doctype !== null")


def axe_wcag(page) -> list[str]:
    return page.evaluate(RUN_AXE, WCAG_TAGS)


@pytest.mark.parametrize("stage", stages())
def test_every_matrix_page_passes_axe(new_page, stage):
    started = time.monotonic()
    pages: dict[str, object] = {}  # one logged-in browser context per role
    problems: list[str] = []
    officer_urls: list[tuple[str, str]] = []
    visited = 0
    # Page by page, each role in turn: a page's records are made just before it is opened.
    for target in matrix_pages(stage):
        for role in target.roles:
            if role not in pages:
                pages[role] = logged_in(new_page, role)
            page = pages[role]
            where = f"{role} {target.url} ({target.key})"
            response = page.goto(target.url)
            visited += 1
            if response is None or response.status != 200:
                problems.append(f"{where}: answered {response and response.status}")
                continue
            if not is_full_page(page, response):
                continue  # a file (PDF) or an htmx fragment, not a page a person lands on
            problems += audit(page, role, where)
            if role == "officer":
                officer_urls.append((target.url, target.key))
    # At 390 px once every page's records exist: a table is widest when all rows are there.
    if officer_urls:
        problems += sideways_at_390(pages["officer"], officer_urls)
    print(f"{stage}: {visited} pages in {time.monotonic() - started:.0f} s")
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)
