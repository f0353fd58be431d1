"""The incident and monitoring pages: one h1, a main landmark, every control labelled."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from aims.roles import OFFICER
from incidents import services
from incidents.models import Metric
from tests.e2e.test_accessibility import UNLABELLED_CONTROLS_JS
from tests.factories import make_system, user_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_incident_pages_are_labelled(login):
    officer = user_with_role(OFFICER, username="a11y_officer")
    system = make_system(officer, name="Labelled system")
    metric = services.metric_save(
        actor=officer,
        metric=Metric(system=system),
        data={"name": "Drift", "direction": "higher_is_worse", "breach_threshold": 0.5},
    )
    services.observations_ingest(
        actor=officer, observations=[(metric, timezone.now() - timedelta(minutes=5), 0.1)]
    )
    incident = services.incident_report(
        actor=officer,
        system=system,
        title="Labelled incident",
        description="x",
        detection_channel="audit",
        category="other",
        severity="sev3",
        flagged_high_risk=True,
    )
    page = login(officer)
    for path in (
        "/incidents/",
        "/incidents/report/",
        f"/incidents/{incident.pk}/",
        f"/incidents/{incident.pk}/edit/",
        f"/incidents/{incident.pk}/capa/add/",
        f"/incidents/systems/{system.pk}/monitoring/",
        f"/incidents/systems/{system.pk}/metrics/add/",
    ):
        page.goto(path)
        expect(page.locator("h1")).to_have_count(1)
        expect(page.get_by_role("main")).to_have_count(1)
        assert page.evaluate(UNLABELLED_CONTROLS_JS) == [], path
    page.goto(f"/incidents/systems/{system.pk}/monitoring/")
    expect(page.locator(f"#chart-{metric.pk}")).to_be_visible()
