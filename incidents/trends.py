"""Incidents' share of the daily trends: open incidents, and serious-incident reports to the
authority whose deadline has passed without a report."""

from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from aims.trends.registry import Chart, Series, Source

from .models import Incident, Status


def end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def figures(today: date) -> dict[str, int]:
    now = timezone.now()
    overdue = Incident.objects.filter(
        report_due_at__lt=now, initial_report_at__isnull=True, report_submitted_at__isnull=True
    )
    return {
        "incidents.open": Incident.objects.exclude(status=Status.CLOSED).count(),
        "incidents.reports_overdue": overdue.count(),
    }


def as_of(day: date) -> dict[str, int]:
    """At the end of ``day``, from the incidents' own dates: known by then (awareness) and not
    closed by then; reports due by then that had not reached the authority by then."""
    end = end_of(day)
    open_ = Incident.objects.filter(
        Q(aware_at__lt=end), Q(closed_at__isnull=True) | Q(closed_at__gte=end)
    )
    overdue = Incident.objects.filter(
        Q(report_due_at__lt=end),
        Q(initial_report_at__isnull=True) | Q(initial_report_at__gte=end),
        Q(report_submitted_at__isnull=True) | Q(report_submitted_at__gte=end),
    )
    return {"incidents.open": open_.count(), "incidents.reports_overdue": overdue.count()}


OPEN = Series("incidents.open", "Open incidents")
OVERDUE = Series("incidents.reports_overdue", "Overdue serious-incident reports")

SOURCE = Source(
    name="incidents",
    order=30,
    permission="incidents.view_incident",
    figures=figures,
    as_of=as_of,
    charts=(Chart("incidents", 30, "Incidents and overdue regulatory reports", (OPEN, OVERDUE)),),
    headline=(OPEN, OVERDUE),
)
