"""Reads of the trends: the snapshots of a period, the charts drawn from them, and the
executive summary. Organisation-wide figures: callers check ``can_view_trends`` first."""

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from . import charts as chart_geometry
from .models import DailySnapshot
from .registry import charts, headline, sources
from .services import current_figures

PERIODS = (30, 90, 365)
DEFAULT_DAYS = 90
COMPARE_DAYS = 30
TOP_GAPS = 5


def period(value) -> int:
    """The period the picker asked for, or the default for anything else."""
    try:
        days = int(value)
    except (TypeError, ValueError):
        return DEFAULT_DAYS
    return days if days in PERIODS else DEFAULT_DAYS


def snapshots(*, days: int, today: date | None = None) -> list[DailySnapshot]:
    """The snapshots of the last ``days`` days, oldest first (one query)."""
    today = today or timezone.localdate()
    start = today - timedelta(days=days - 1)
    return list(DailySnapshot.objects.filter(day__gte=start, day__lte=today).order_by("day"))


def trend_charts(*, days: int, today: date | None = None) -> list[chart_geometry.ChartView]:
    today = today or timezone.localdate()
    found = snapshots(days=days, today=today)
    return [chart_geometry.build(c, found, today=today, days=days) for c in charts()]


def snapshot_on_or_before(day: date) -> DailySnapshot | None:
    return DailySnapshot.objects.filter(day__lte=day).order_by("-day").first()


@dataclass
class Headline:
    label: str
    value: int | None
    unit: str
    before: int | None  # the same figure COMPARE_DAYS ago (None: no snapshot that old)

    @property
    def change(self) -> str:
        if self.value is None or self.before is None:
            return "no figure 30 days ago"
        delta = self.value - self.before
        if delta == 0:
            return "no change"
        unit = " points" if self.unit == "%" else ""
        return f"{delta:+d}{unit}"


def executive_summary(*, user, today: date | None = None) -> dict:
    """Today's figures (computed now, not read from the last snapshot, so the page is never
    a day behind), compared with the snapshot of 30 days ago; the viewer's top gaps."""
    today = today or timezone.localdate()
    figures = current_figures(today)
    past = snapshot_on_or_before(today - timedelta(days=COMPARE_DAYS))
    before = past.figures if past else {}
    units = {s.key: c.unit for c in charts() for s in c.series}
    heads = [
        Headline(h.label, figures.get(h.key), units.get(h.key, ""), before.get(h.key))
        for h in headline()
    ]
    groups = []
    for chart in charts():
        if not chart.breakdown:
            continue
        groups.append(
            {
                "title": chart.title,
                "breakdown": chart.breakdown,
                "rows": [(s.label, figures.get(s.key, 0), before.get(s.key)) for s in chart.series],
            }
        )
    gaps = []
    for source in sources():
        if source.gaps is not None:
            gaps.extend(source.gaps(user, TOP_GAPS))
    return {
        "today": today,
        "compared_with": past.day if past else None,
        "compared_with_demo": bool(past and past.origin == DailySnapshot.Origin.DEMO),
        "headline": heads,
        "groups": groups,
        "gaps": gaps[:TOP_GAPS],
    }
