"""Corrective actions' share of the daily trends: open ones and overdue ones."""

from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from aims.models import CorrectiveAction
from aims.trends.registry import Chart, Series, Source


def end_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


def figures(today: date) -> dict[str, int]:
    return {
        "capa.open": CorrectiveAction.objects.exclude(
            status__in=CorrectiveAction.done_statuses()
        ).count(),
        "capa.overdue": CorrectiveAction.objects.filter(CorrectiveAction.overdue_q(today)).count(),
    }


def as_of(day: date) -> dict[str, int]:
    """Open at the end of ``day``: created by then, neither verified nor closed by then."""
    end = end_of(day)
    open_ = CorrectiveAction.objects.filter(
        Q(created_at__lt=end),
        Q(verified_at__isnull=True) | Q(verified_at__gte=end),
        Q(closed_at__isnull=True) | Q(closed_at__gte=end),
    )
    return {
        "capa.open": open_.count(),
        "capa.overdue": open_.filter(due_date__lt=day).count(),
    }


OPEN = Series("capa.open", "Open corrective actions")
OVERDUE = Series("capa.overdue", "Overdue corrective actions")

SOURCE = Source(
    name="capa",
    order=40,
    permission="aims.view_correctiveaction",
    figures=figures,
    as_of=as_of,
    charts=(Chart("capa", 40, "Corrective actions", (OPEN, OVERDUE)),),
    headline=(OPEN, OVERDUE),
)
