"""Closing the loop in a real browser: an integration posts a breaching observation through
the API, the incident appears on the officer's dashboard, the officer contains it and opens
a corrective action."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aims.models import CorrectiveAction
from aims.roles import OFFICER, OWNER
from incidents import services
from incidents.models import Incident, Metric
from tests.factories import make_system, make_token, user_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_breach_to_contained_incident_with_corrective_action(login, page, screenshot):
    owner = user_with_role(OWNER, username="e2e_owner")
    officer = user_with_role(OFFICER, username="e2e_officer")
    system = make_system(owner, name="Support chatbot")
    metric = services.metric_save(
        actor=owner,
        metric=Metric(system=system),
        data={
            "name": "Toxic answers",
            "unit": "%",
            "direction": "higher_is_worse",
            "breach_threshold": 1.0,
            "auto_incident_severity": "sev2",
        },
    )
    token = make_token(owner)  # the integration's service account

    response = page.request.post(
        "/api/v1/observations/",
        headers={"Authorization": f"Token {token}"},
        data={
            "metric": metric.pk,
            "observed_at": (timezone.now() - timedelta(minutes=2)).isoformat(),
            "value": 4.2,
        },
    )
    assert response.status == 201, response.text()
    assert len(response.json()["incidents_opened"]) == 1
    incident = Incident.objects.get()

    officer_page = login(officer)
    panel = officer_page.locator("#incidents-panel")
    expect(panel.get_by_role("link", name=re.compile(incident.reference))).to_be_visible()
    expect(panel.locator("#open-alerts")).to_contain_text("Toxic answers")
    screenshot(officer_page, "incidents-dashboard")

    panel.get_by_role("link", name=re.compile(incident.reference)).click()
    expect(officer_page.get_by_role("heading", level=1)).to_contain_text(incident.reference)
    officer_page.get_by_role("button", name="Acknowledge and triage").click()
    expect(officer_page.locator("#incident-status")).to_have_text("Triaged")
    officer_page.get_by_label("Containment").fill("Toxicity filter set to strict")
    officer_page.get_by_role("button", name="Mark contained").click()
    expect(officer_page.locator("#incident-status")).to_have_text("Contained")
    expect(officer_page.locator("#timeline")).to_contain_text("Toxicity filter set to strict")

    officer_page.get_by_role("link", name="Open corrective action").click()
    officer_page.get_by_label("Action plan").fill("Add a toxicity classifier before replies")
    officer_page.get_by_label("Due date").fill(
        (timezone.localdate() + timedelta(days=14)).isoformat()
    )
    officer_page.get_by_role("button", name="Open corrective action").click()
    expect(officer_page.get_by_role("status").first).to_contain_text("CAPA-")
    expect(officer_page.get_by_role("heading", name="Corrective actions")).to_be_visible()
    screenshot(officer_page, "incidents-contained")

    capa = CorrectiveAction.objects.get()
    assert capa.source == incident and capa.owner == owner
    incident.refresh_from_db()
    assert incident.status == "contained" and incident.contained_at
