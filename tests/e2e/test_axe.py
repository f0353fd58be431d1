"""Accessibility, measured: axe-core (vendored under tests/e2e/vendor/, never served by the
application) runs on the main pages of the demo organisation as officer, owner, approver and
auditor, and finds no violation at all — colour contrast included. At 390 px (a phone) the
pages with the widest tables do not scroll sideways: their tables scroll inside their own
container."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from aims.roles import OWNER
from inventory.models import AISystem
from tests.factories import user_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
ROLES = ("officer", "owner", "approver", "auditor")
PAGES = [
    "/",
    "/systems/",
    "{system}",
    "/systems/intake/",
    "/risk/",
    "/incidents/",
    "/suppliers/",
    "/controls/readiness/",
    "/controls/readiness/gaps/",
    "/internal-audits/findings/",
    "/evidence/",
    "/audits/packs/",
]
NARROW_PAGES = ["/", "/systems/", "/controls/readiness/", "/controls/readiness/gaps/"]
# WCAG 2.1 A and AA plus axe's best practices: everything axe checks by default.
RUN_AXE = """
async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5)
      .map((n) => ({target: n.target.join(" "), summary: n.failureSummary})),
  }));
}
"""
SIDEWAYS = """
() => {
  const el = document.scrollingElement;
  const clipped = (n) => {
    for (let p = n.parentElement; p && p !== document.body; p = p.parentElement) {
      if (["auto", "scroll", "hidden"].includes(getComputedStyle(p).overflowX)) return true;
    }
    return false;
  };
  const wide = Array.from(document.querySelectorAll("body *"))
    .filter((n) => n.getBoundingClientRect().right > el.clientWidth + 1 && !clipped(n))
    .slice(0, 5).map((n) => n.tagName + "#" + n.id + "." + n.className);
  return {scrollWidth: el.scrollWidth, clientWidth: el.clientWidth, wide};
}
"""


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())


def log_in(new_page, username: str, width: int = 1280):
    page = new_page()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(settings.AIMS_DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/")
    return page


def axe_violations(page) -> list[dict]:
    if not page.evaluate("() => typeof axe !== 'undefined'"):
        # Evaluated, not added as a <script> tag: the Content-Security-Policy refuses inline
        # scripts, and DevTools evaluation is not subject to it.
        page.evaluate(AXE.read_text())
    return page.evaluate(RUN_AXE)


def test_main_pages_have_no_axe_violations_and_do_not_scroll_sideways(new_page, demo):
    # The system page each role opens: one it can see (an owner sees only their own).
    visible = {
        "owner": AISystem.objects.filter(owner__username="owner").order_by("pk").first(),
    }
    any_system = AISystem.objects.order_by("pk").first()
    report = []
    for role in ROLES:
        page = log_in(new_page, role)
        system = visible.get(role, any_system)
        for path in PAGES:
            path = path.format(system=f"/systems/{system.pk}/")
            response = page.goto(path)
            if response.status != 200:
                continue  # not this role's page (the menu does not offer it)
            for violation in axe_violations(page):
                report.append(f"{role} {path}: {json.dumps(violation)}")
        page.context.close()
    assert not report, "axe violations:\n" + "\n".join(report)

    page = log_in(new_page, "officer", width=390)
    for path in NARROW_PAGES:
        page.goto(path)
        measure = page.evaluate(SIDEWAYS)
        assert measure["scrollWidth"] <= measure["clientWidth"], (path, measure)


def test_error_summary_links_to_its_fields(login):
    page = login(user_with_role(OWNER, username="olga_owner"))
    page.goto("/systems/intake/")
    page.get_by_role("button", name="Submit intake").click()
    summary = page.locator(".error-summary")
    summary.wait_for()
    # The page lands on the summary; each error is a link that puts the focus on its field.
    assert page.evaluate("() => document.activeElement.classList.contains('error-summary')")
    link = summary.locator("a").first
    target = link.get_attribute("href")
    assert target.startswith("#id_")
    link.click()
    assert page.evaluate("() => '#' + document.activeElement.id") == target
    assert axe_violations(page) == []
