import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.models import SEVERITY_DEFINITIONS, Incident
from inventory.models import AISystem

from .conftest import ago

pytestmark = pytest.mark.django_db


def test_report_form_shows_the_severity_definitions(client_as, owner, system):
    response = client_as(owner).get(reverse("incidents:incident_report"))
    assert response.status_code == 200
    for definition in SEVERITY_DEFINITIONS.values():
        assert definition in response.content.decode()


def test_report_through_the_form(client_as, owner, system):
    response = client_as(owner).post(
        reverse("incidents:incident_report"),
        {
            "system": system.pk,
            "title": "Wrong refund amounts",
            "description": "Bot promised refunds",
            "severity": "sev3",
            "detection_channel": "user_complaint",
            "category": "inaccurate",
        },
    )
    incident = Incident.objects.get()
    assert response.status_code == 302 and response["Location"] == services.incident_url(incident)
    page = client_as(owner).get(response["Location"]).content.decode()
    assert "Wrong refund amounts" in page and "Reported by" in page


def test_detail_shows_overdue_clock_and_timeline(client_as, officer, system, report):
    AISystem.objects.filter(pk=system.pk).update(risk_tier="high")
    incident = report(severity="sev1", aware_at=timezone.now() - timedelta(days=1))
    Incident.objects.filter(pk=incident.pk).update(created_at=ago(hours=6))
    services.incident_mark_serious(actor=officer, incident=incident, case="death")
    page = client_as(officer).get(services.incident_url(incident)).content.decode()
    assert 'id="overdue"' in page
    assert 'id="regulatory-clock"' in page and "9 days left" in page
    assert "Marked serious by officer_t" in page


def test_refused_transition_is_explained(client_as, owner, report):
    incident = report()
    client = client_as(owner)
    response = client.post(
        reverse("incidents:incident_transition", args=[incident.pk, "resolve"]), follow=True
    )
    assert "not possible" in response.content.decode()
    incident.refresh_from_db()
    assert incident.status == "reported"


def test_contain_with_a_note_from_the_page(client_as, owner, report):
    incident = report()
    client = client_as(owner)
    client.post(reverse("incidents:incident_transition", args=[incident.pk, "triage"]))
    client.post(
        reverse("incidents:incident_transition", args=[incident.pk, "contain"]),
        {"note": "Rolled back the prompt"},
    )
    incident.refresh_from_db()
    assert incident.status == "contained" and incident.containment == "Rolled back the prompt"


def test_list_query_count_does_not_grow(client_as, officer, report):
    client = client_as(officer)
    report()
    url = reverse("incidents:incident_list")
    rows = []  # incidents each counted page showed: the count compares full lists

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        rows.append(len(set(re.findall(r"INC-\d{4}", response.content.decode()))))
        return len(ctx)

    count()
    few = count()
    for n in range(8):
        report(title=f"Incident {n}")
    assert count() == few
    assert (rows[0], rows[-1]) == (1, 9)


def test_monitoring_page_uses_the_vendored_chart(client_as, owner, system, metric):
    services.observations_ingest(actor=owner, observations=[(metric, ago(minutes=5), 3.0)])
    page = client_as(owner).get(reverse("incidents:monitoring", args=[system.pk])).content.decode()
    assert "vendor/chartjs/chart.umd.min.js" in page and "cdn" not in page.lower()
    assert 'id="monitoring-data"' in page and "Error rate" in page


def test_dashboard_panel_shows_overdue_and_alerts(client_as, officer, owner, report, metric):
    incident = report(severity="sev2")
    Incident.objects.filter(pk=incident.pk).update(created_at=ago(hours=30))
    services.observations_ingest(actor=owner, observations=[(metric, ago(minutes=5), 30.0)])
    page = client_as(officer).get(reverse("aims:dashboard")).content.decode()
    assert 'id="overdue-incidents"' in page and incident.reference in page
    assert 'id="open-alerts"' in page


def test_menu_entry_for_owners(client_as, owner):
    page = client_as(owner).get(reverse("aims:dashboard")).content.decode()
    assert reverse("incidents:incident_list") in page


def test_capa_from_the_incident_page(client_as, owner, report):
    incident = report(severity="sev2")
    client = client_as(owner)
    response = client.post(
        reverse("incidents:incident_capa_add", args=[incident.pk]),
        {
            "title": "Guard the prompt",
            "nonconformity": "Unsafe output",
            "action_plan": "Add a guardrail",
            "owner": owner.pk,
            "due_date": (timezone.localdate() + timedelta(days=10)).isoformat(),
        },
    )
    assert response.status_code == 302
    page = client.get(services.incident_url(incident)).content.decode()
    assert "Guard the prompt" in page
