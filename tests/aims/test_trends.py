"""Trends: the daily snapshot counts what the records say, once per day; the dashboard
charts it accessibly over a chosen period; the executive summary and its PDF; the API; who
may see organisation-wide figures; the demo history."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask
from pypdf import PdfReader

from aims.capa import services as capa_services
from aims.models import CorrectiveAction, DailySnapshot
from aims.trends import charts as chart_geometry
from aims.trends import demo as trends_demo
from aims.trends.registry import Chart, Series
from aims.trends.services import can_view_trends, take_snapshot
from audits.soa.readiness import readiness
from incidents import services as incident_services
from incidents.models import Incident
from inventory.models import AISystem

from ..factories import make_system

pytestmark = pytest.mark.django_db


def report(actor, system, title="Biased ranking"):
    return incident_services.incident_report(
        actor=actor,
        system=system,
        title=title,
        description="Older applicants ranked lower",
        detection_channel="audit",
        category="bias",
        severity="sev2",
    )


def capa(actor, incident, due_in_days=30):
    return capa_services.capa_create(
        actor=actor,
        source=incident,
        title="Add an output filter",
        nonconformity="Unsafe advice reached a user",
        action_plan="Filter",
        due_date=timezone.localdate() + timedelta(days=due_in_days),
    )


@pytest.fixture
def records(officer, owner, system):
    """Two systems (one deployed and high-tier), three incidents (one closed, one with its
    report to the authority overdue), three corrective actions (one overdue, one closed)."""
    second = make_system(owner, name="Chat assistant")
    AISystem.objects.filter(pk=second.pk).update(lifecycle_stage="deployed", risk_tier="high")
    AISystem.objects.filter(pk=system.pk).update(risk_tier="low")
    first, late, closed = (report(owner, system, t) for t in ("One", "Two", "Three"))
    Incident.objects.filter(pk=closed.pk).update(status="closed")
    Incident.objects.filter(pk=late.pk).update(
        report_due_at=timezone.now() - timedelta(hours=5), serious_case="general"
    )
    capa(officer, first)
    overdue = capa(officer, first)
    CorrectiveAction.objects.filter(pk=overdue.pk).update(
        due_date=timezone.localdate() - timedelta(days=2)
    )
    done = capa(officer, late)
    CorrectiveAction.objects.filter(pk=done.pk).update(status="closed")


def snap(day, origin="live", **figures):
    return DailySnapshot.objects.create(
        day=day, origin=origin, taken_at=timezone.now(), figures=figures
    )


def figures(percent: int, open_incidents: int = 1) -> dict:
    return {
        "readiness.percent": percent,
        "systems.tier.high": 2,
        "systems.stage.deployed": 3,
        "incidents.open": open_incidents,
        "incidents.reports_overdue": 0,
        "capa.open": 4,
        "capa.overdue": 1,
    }


# --- the snapshot ---------------------------------------------------------------------------


def test_snapshot_counts_what_the_records_say(records):
    today = timezone.localdate()
    taken = take_snapshot(today).figures
    assert taken["systems.tier.low"] == 1
    assert taken["systems.tier.high"] == 1
    assert taken["systems.stage.intake_submitted"] == 1
    assert taken["systems.stage.deployed"] == 1
    assert taken["systems.active"] == 2
    assert taken["incidents.open"] == 2
    assert taken["incidents.reports_overdue"] == 1
    assert taken["capa.open"] == 2
    assert taken["capa.overdue"] == 1
    state = readiness(today=today)
    assert taken["readiness.percent"] == state.percent
    assert taken["readiness.total"] == state.total > 0


def test_a_second_snapshot_the_same_day_updates_the_one_row(owner, system):
    today = timezone.localdate()
    take_snapshot(today)
    make_system(owner, name="Another one")
    again = take_snapshot(today)
    assert DailySnapshot.objects.count() == 1
    assert again.figures["systems.stage.intake_submitted"] == 2
    assert again.history.count() == 2  # each take leaves history


def test_the_daily_task_and_the_command_take_it(system):
    from aims.tasks import take_daily_snapshot

    assert PeriodicTask.objects.filter(task="aims.tasks.take_daily_snapshot").exists()
    result = take_daily_snapshot.delay().get()
    assert result["day"] == timezone.localdate().isoformat()
    out = io.StringIO()
    call_command("take_snapshot", stdout=out)
    assert "figures recorded" in out.getvalue()
    assert DailySnapshot.objects.get().figures["systems.stage.intake_submitted"] == 1


def test_past_figures_come_from_the_records_dates(owner, system):
    incident = report(owner, system)
    Incident.objects.filter(pk=incident.pk).update(aware_at=timezone.now() - timedelta(days=10))
    from incidents.trends import as_of

    assert as_of(timezone.localdate() - timedelta(days=5))["incidents.open"] == 1
    assert as_of(timezone.localdate() - timedelta(days=20))["incidents.open"] == 0


# --- who sees the trends ---------------------------------------------------------------------


def test_only_the_roles_that_see_every_record_see_trends(officer, approver, auditor, owner):
    assert can_view_trends(officer) and can_view_trends(approver) and can_view_trends(auditor)
    assert not can_view_trends(owner)


# --- the charts --------------------------------------------------------------------------------


def test_the_summary_says_what_the_chart_shows():
    chart = Chart("r", 1, "Readiness", (Series("readiness.percent", "Readiness"),), "%")
    today = timezone.localdate()

    class S:
        def __init__(self, day, value):
            self.day, self.figures, self.origin = day, {"readiness.percent": value}, "live"

    rows = [S(today - timedelta(days=90), 62), S(today - timedelta(days=40), 65), S(today, 71)]
    view = chart_geometry.build(chart, rows, today=today, days=91)
    assert view.summary == "Readiness rose from 62% to 71% over 90 days."
    assert view.lines[0].path.startswith("M48")
    assert len(view.rows) == 3


def test_dashboard_shows_each_chart_with_summary_and_table(client_as, officer):
    today = timezone.localdate()
    snap(today - timedelta(days=60), **figures(62, open_incidents=5))
    snap(today, **figures(71, open_incidents=2))
    page = client_as(officer).get(reverse("aims:dashboard")).content.decode()
    assert "Trends over the last 90 days" in page
    assert "Readiness rose from 62% to 71% over 60 days." in page
    assert "Open incidents fell from 5 to 2" in page
    assert '<svg viewBox="0 0 480 240" width="100%" class="trend-svg" role="img"' in page
    assert "<details" in page and "Data table — ISO/IEC 42001 readiness" in page
    assert '<td class="text-end">71%</td>' in page
    assert 'href="?days=365#trends"' in page


def test_the_period_picker_narrows_the_charts(client_as, officer):
    today = timezone.localdate()
    snap(today - timedelta(days=60), **figures(62))
    snap(today, **figures(71))
    page = client_as(officer).get(reverse("aims:dashboard"), {"days": 30}).content.decode()
    assert "Trends over the last 30 days" in page
    assert "One snapshot in the period" in page
    assert "62%" not in page
    odd = client_as(officer).get(reverse("aims:dashboard"), {"days": "7; drop"}).content.decode()
    assert "Trends over the last 90 days" in odd  # anything else: the default


def test_demo_history_is_marked_on_the_chart(client_as, officer):
    today = timezone.localdate()
    snap(today - timedelta(days=3), origin="demo", **figures(50))
    snap(today, **figures(55))
    page = client_as(officer).get(reverse("aims:dashboard")).content.decode()
    assert "the series is demonstration history" in page


def test_owners_get_no_trends_on_their_dashboard(client_as, owner):
    snap(timezone.localdate(), **figures(70))
    page = client_as(owner).get(reverse("aims:dashboard")).content.decode()
    assert 'id="trends"' not in page


def test_dashboard_queries_do_not_grow_with_the_period(
    client_as, officer, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    today = timezone.localdate()
    client = client_as(officer)
    snap(today, **figures(70))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("aims:dashboard"), {"days": 365})
    DailySnapshot.objects.bulk_create(
        DailySnapshot(day=today - timedelta(days=n), taken_at=timezone.now(), figures=figures(n))
        for n in range(1, 365)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("aims:dashboard"), {"days": 365})
    assert response.content.decode().count('<tr><th scope="row" class="fw-normal">') >= 365


# --- the executive summary ---------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer", "approver", "auditor"])
def test_summary_for_the_roles_that_see_everything(request, client_as, records, who):
    user = request.getfixturevalue(who)
    snap(timezone.localdate() - timedelta(days=30), **{**figures(10), "capa.open": 5})
    page = client_as(user).get(reverse("aims:dashboard_summary")).content.decode()
    assert "Executive summary of the AI management system" in page
    # Its print layout is a static style sheet (no inline style under the CSP).
    assert "/static/aims/trends-summary.css" in page
    assert "@media print" in Path(finders.find("aims/trends-summary.css")).read_text()
    assert 'Open corrective actions</th><td class="num">2</td><td class="num">-3</td>' in page
    assert 'Overdue serious-incident reports</th><td class="num">1</td>' in page
    assert "AI systems in play by risk tier" in page and "AI systems by lifecycle stage" in page
    assert "Top readiness gaps" in page and "Not ready yet" not in page  # messages, not kinds
    assert f"by {user.first_name}" in page or f"by {user.username}" in page


@pytest.mark.parametrize("who", ["owner", "nobody"])
def test_summary_and_pdf_refused_to_others(request, client_as, who):
    client = client_as(request.getfixturevalue(who))
    for name in ("aims:dashboard_summary", "aims:dashboard_summary_pdf"):
        response = client.get(reverse(name))
        assert response.status_code == 403
        assert "organisation" in response.content.decode()


def test_summary_pdf_carries_the_headline_figures(client_as, officer, records):
    response = client_as(officer).get(reverse("aims:dashboard_summary_pdf"))
    assert response["Content-Type"] == "application/pdf"
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages)
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1
    assert "Executive summary" in text
    assert "Open incidents 2" in text
    assert "Overdue serious-incident reports 1" in text
    assert "Open corrective actions 2" in text
    assert f"{readiness().percent}%" in text


# --- the API -------------------------------------------------------------------------------------


def test_api_returns_the_series(api_as, auditor):
    today = timezone.localdate()
    snap(today - timedelta(days=60), **figures(62))
    snap(today - timedelta(days=10), origin="demo", **figures(66))
    snap(today, **figures(71))
    body = api_as(auditor).get("/api/v1/trends/", {"days": 30}).json()
    assert body["days"] == 30 and body["end"] == today.isoformat()
    assert [s["origin"] for s in body["snapshots"]] == ["demo", "live"]
    chart = next(c for c in body["charts"] if c["key"] == "readiness")
    assert chart["unit"] == "%"
    assert chart["series"][0]["points"][-1] == {"date": today.isoformat(), "value": 71}
    assert chart["summary"] == "Readiness rose from 66% to 71% over 10 days."
    assert len(api_as(auditor).get("/api/v1/trends/").json()["snapshots"]) == 3


def test_api_refuses_owners_and_bad_periods(api_as, owner, officer):
    assert api_as(owner).get("/api/v1/trends/").status_code == 403
    response = api_as(officer).get("/api/v1/trends/", {"days": 0})
    assert response.status_code == 400
    assert "days" in str(response.json())


# --- the demo history ----------------------------------------------------------------------------


def test_demo_history_fills_ninety_days_once(officer, owner, system):
    incident = report(owner, system)
    Incident.objects.filter(pk=incident.pk).update(aware_at=timezone.now() - timedelta(days=20))
    out = io.StringIO()
    assert trends_demo.load(stdout=out) == 89
    assert trends_demo.load(stdout=out) == 0
    rows = list(DailySnapshot.objects.order_by("day"))
    assert len(rows) == 90
    assert rows[-1].origin == "live" and {r.origin for r in rows[:-1]} == {"demo"}
    # Incidents come from their dates: open from awareness on, not before.
    assert rows[-15].figures["incidents.open"] == 1
    assert rows[-30].figures["incidents.open"] == 0
    # Readiness is a generated climb that ends at today's real figure.
    percents = [r.figures["readiness.percent"] for r in rows]
    assert percents == sorted(percents) and percents[-1] == readiness().percent


def test_aims_trends_imports_no_higher_layer():
    """The figures come through the registry: aims.trends names no app above aims."""
    import re
    from pathlib import Path

    import aims.trends

    higher = re.compile(r"^\s*(from|import)\s+(suppliers|inventory|risk|incidents|audits)\b", re.M)
    root = Path(aims.trends.__file__).parent
    offenders = [str(p) for p in root.rglob("*.py") if higher.search(p.read_text())]
    assert not offenders


def test_an_officer_takes_todays_snapshot_by_hand_and_history_names_them(api_as, officer):
    response = api_as(officer).post(reverse("api:trends-snapshot"), {}, format="json")
    assert response.status_code == 201, response.content
    snapshot = DailySnapshot.objects.get(pk=response.json()["id"])
    assert snapshot.day == timezone.localdate()
    assert snapshot.history.latest().history_user == officer
    again = api_as(officer).post(reverse("api:trends-snapshot"), {}, format="json")
    assert again.json()["id"] == snapshot.pk and DailySnapshot.objects.count() == 1


def test_only_today_may_be_taken_and_only_by_an_officer(api_as, officer, approver):
    past = (timezone.localdate() - timedelta(days=3)).isoformat()
    refused = api_as(officer).post(reverse("api:trends-snapshot"), {"day": past}, format="json")
    assert refused.status_code == 400 and "day" in refused.json()["extra"]["fields"]
    denied = api_as(approver).post(reverse("api:trends-snapshot"), {}, format="json")
    assert denied.status_code == 403
    assert not DailySnapshot.objects.exists()
