"""Art. 73 deadlines run in hours: wherever a serious incident's report is due -- the
reminder, the incident page, the list, the dashboard and the API -- the due date *and time*
show, in the configured time zone with the zone named, and once the moment has passed, by how
many hours the report is overdue."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aims.models import Notification
from aims.reminders.sweep import run_sweep
from incidents import services
from incidents.models import Incident, moment_in_zone
from incidents.reminders import report_phrase
from inventory.models import AISystem
from tests.factories import make_system

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _berlin(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    timezone.activate("Europe/Berlin")
    yield
    timezone.deactivate()


@pytest.fixture
def high_system(owner):
    system = make_system(owner)
    AISystem.objects.filter(pk=system.pk).update(risk_tier="high")
    return system


def serious(owner, officer, system, aware_at, case="widespread") -> Incident:
    incident = services.incident_report(
        actor=owner,
        system=system,
        title="Applicants over 50 ranked lower",
        description="A recruiter noticed the shortlist skews young.",
        detection_channel="employee",
        category="bias",
        severity="sev2",
        aware_at=aware_at,
    )
    return services.incident_mark_serious(actor=officer, incident=incident, case=case)


def reporting_notes():
    return Notification.objects.filter(dedupe_key__startswith="incident-reporting:")


def test_the_due_moment_is_named_in_the_configured_zone():
    winter = timezone.make_aware(datetime(2026, 12, 6, 14, 30))
    summer = timezone.make_aware(datetime(2026, 7, 6, 9, 5))
    assert moment_in_zone(winter) == "6 Dec 2026, 14:30 CET (Europe/Berlin)"
    assert moment_in_zone(summer) == "6 Jul 2026, 09:05 CEST (Europe/Berlin)"
    timezone.activate("UTC")
    assert moment_in_zone(winter) == "6 Dec 2026, 13:30 UTC"


def test_reminder_page_list_dashboard_and_api_show_date_time_and_zone(
    client_as, api_as, owner, officer, high_system
):
    aware = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=5)
    incident = serious(owner, officer, high_system, aware)  # 48 hours: 43 hours left
    due = timezone.localtime(incident.report_due_at)
    text = incident.report_due_text
    assert due == timezone.localtime(aware + timedelta(hours=48))
    assert text.startswith(f"{due.day} {due:%b %Y, %H:%M}") and "(Europe/Berlin)" in text

    run_sweep(today=timezone.localdate())
    titles = set(reporting_notes().values_list("title", flat=True))
    assert titles == {
        f"Serious-incident report on {incident.reference} {incident.title}: due {text}"
    }

    client = client_as(officer)
    for url in (incident.get_absolute_url(), reverse("incidents:incident_list"), "/"):
        assert text in client.get(url).content.decode(), url
    body = api_as(officer).get(f"/api/v1/incidents/{incident.pk}/").json()
    assert body["report_due_text"] == text and body["time_zone"] == "Europe/Berlin"
    assert body["report_due_at"] == due.isoformat()  # the offset of the zone, not UTC
    assert body["reporting_hours_overdue"] is None and body["lateness"] == ""


def test_once_late_everything_says_overdue_by_how_many_hours(
    client_as, api_as, owner, officer, high_system
):
    # The 2-day case: 48 hours from awareness, passed 2 h 10 min ago (a started hour counts).
    incident = serious(
        owner, officer, high_system, timezone.now() - timedelta(hours=50, minutes=10)
    )
    run_sweep(today=timezone.localdate())
    note = reporting_notes().first()
    assert "overdue by 3 hours" in note.title and incident.report_due_text in note.title
    client = client_as(officer)
    detail = client.get(incident.get_absolute_url()).content.decode()
    assert "overdue by 3 hours" in detail and incident.report_due_text in detail
    for url in (reverse("incidents:incident_list"), "/"):
        assert "Report overdue by 3 hours" in client.get(url).content.decode(), url
    body = api_as(owner).get(f"/api/v1/incidents/{incident.pk}/").json()
    assert (body["reporting_hours_overdue"], body["lateness"]) == (3, "Report overdue by 3 hours")


def test_the_reminder_phrase_counts_hours_not_days():
    due = timezone.make_aware(datetime(2026, 3, 4, 23, 30))
    assert report_phrase(due, due - timedelta(minutes=1)) == (
        "due 4 Mar 2026, 23:30 CET (Europe/Berlin)"
    )
    assert report_phrase(due, due + timedelta(minutes=1)) == (
        "overdue by 1 hour (due 4 Mar 2026, 23:30 CET (Europe/Berlin))"
    )
    assert report_phrase(due, due + timedelta(hours=25)).startswith("overdue by 25 hours")
