"""The incidents demo shows the Art. 73 clock in its two telling states: an initial report
filed in time with the complete report pending, and a report filed late (its hours kept)."""

import io
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from incidents.demo import INITIAL_ONLY, REPORTED_LATE
from incidents.models import Incident

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_demo_has_an_initial_report_in_time_and_a_late_report(client):
    call_command("load_demo", stdout=io.StringIO())
    pending = Incident.objects.get(title=INITIAL_ONLY)
    assert pending.serious_case == "general" and pending.initial_report_at is not None
    assert pending.report_submitted_at is None and pending.report_hours_late is None
    assert pending.initial_report_at < pending.report_due_at
    late = Incident.objects.get(title=REPORTED_LATE)
    assert late.serious_case == "widespread" and late.report_hours_late == 7
    assert late.report_due_at == late.aware_at + timedelta(hours=48)
    # Played through the services: the history names who marked and reported them.
    reasons = set(late.history.values_list("history_change_reason", flat=True))
    assert any(r and r.startswith("Marked serious") for r in reasons)
    assert all(h.history_user_id for h in late.history.all())
    # Shown where people look.
    client.force_login(get_user_model().objects.get(username="officer"))
    assert "Reported 7 h late" in client.get(late.get_absolute_url()).content.decode()
    assert "Reported 7 h late" in client.get("/").content.decode()
    page = client.get(pending.get_absolute_url()).content.decode()
    assert "MSA-2026-0412 (initial)" in page and "The complete report is still to come" in page
    listed = client.get(reverse("incidents:incident_list")).content.decode()
    assert "Reported 7 h late" in listed
    assert pending.report_due_text in page  # the deadline the initial report met
    # A second run creates nothing more.
    counts = (Incident.objects.count(), Incident.history.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (Incident.objects.count(), Incident.history.count()) == counts
