"""Pages run under the Content-Security-Policy without a single violation: the dashboard, a
system page and its tabs, the guided intake (htmx swaps), the monitoring page (Chart.js from a
static script) and the API documentation (Swagger UI). A violation is caught twice: the
browser's securitypolicyviolation event and its "Refused to ..." console message."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aims.roles import OWNER
from incidents.models import Metric
from incidents.services.monitoring import metric_save, observations_ingest
from tests.factories import make_system, user_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline")
    + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


def watch(page) -> list[str]:
    refused: list[str] = []
    page.context.add_init_script(RECORD_VIOLATIONS)
    page.on(
        "console",
        lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
    )
    return refused


def violations(page) -> list[str]:
    return page.evaluate("() => window.__cspViolations || []")


def test_pages_run_without_a_csp_violation(login, new_page):
    owner = user_with_role(OWNER, username="csp_owner")
    system = make_system(owner, name="Support chatbot")
    metric = metric_save(
        actor=owner,
        metric=Metric(system=system),
        data={"name": "Toxic answers", "unit": "%", "direction": "higher_is_worse",
              "breach_threshold": 5.0},
    )  # fmt: skip
    now = timezone.now()
    observations_ingest(
        actor=owner,
        observations=[(metric, now - timedelta(hours=h), 1.0 + h / 10) for h in range(1, 6)],
    )

    page = new_page()
    refused = watch(page)
    login(owner, page)
    assert page.evaluate("() => htmx.config.includeIndicatorStyles") is False
    seen = {"dashboard": violations(page)}

    page.goto(f"/systems/{system.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Support chatbot")
    seen["system"] = violations(page)

    page.goto(f"/incidents/systems/{system.pk}/monitoring/")
    expect(page.locator(f"#chart-{metric.pk}")).to_be_visible()
    # The chart script (a static file now) ran: Chart.js drew on the canvas.
    page.wait_for_function(f"() => Chart.getChart('chart-{metric.pk}') !== undefined")
    seen["monitoring"] = violations(page)

    page.goto("/systems/intake/new/")
    with page.expect_response(re.compile(r"/systems/intake/similar/")):
        page.locator("#id_name").fill("Support chat")
        page.locator("#id_name").dispatch_event("change")
    expect(page.locator("#similar-systems")).to_contain_text("Support chatbot")
    seen["intake (htmx)"] = violations(page)

    page.goto("/api/docs/")
    # The whole API's schema is generated on request: slow on a busy machine.
    expect(page.locator(".swagger-ui .title").first).to_contain_text("AIMS API", timeout=90_000)
    expect(page.locator(".opblock").first).to_be_visible()
    seen["api docs"] = violations(page)

    assert {where: found for where, found in seen.items() if found} == {}
    assert refused == []


def test_an_inline_script_would_be_refused(login, new_page):
    """The policy really blocks: a script injected into the page's HTML does not run."""
    owner = user_with_role(OWNER, username="csp_owner2")
    page = new_page()
    refused = watch(page)
    login(owner, page)
    page.evaluate(
        """() => { const s = document.createElement("script");
        s.textContent = "window.__ran = true"; document.body.appendChild(s); }"""
    )
    page.wait_for_function("() => window.__cspViolations.length > 0")
    assert page.evaluate("() => window.__ran === true") is False
    assert any("script-src" in v for v in violations(page))
    assert refused
