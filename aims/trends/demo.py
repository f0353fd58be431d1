"""Demo history of the trends, so the charts of a fresh ``make run`` are not empty.

Called by ``manage.py load_demo`` after every app has loaded its demo records. It takes
today's snapshot (a real one), then fills each of the previous 89 days that has no snapshot
with a row marked ``origin="demo"``:

- figures of a source that can compute a past day from its records' dates (``as_of``:
  incidents from awareness, closure and report dates; corrective actions from creation,
  verification and closure dates) are computed, so they agree with the records;
- the others (readiness, systems by tier and stage) keep no dated trace to rebuild from,
  so they are a generated series: a weekly, step-wise climb to today's real figure.

Idempotent: days that already have a snapshot, live or demo, are left alone (today's too,
so a second run writes nothing). Rows are saved one by one, so each history row is sealed
into the audit trail as it is written (a bulk insert would leave them unsealed).
"""

from datetime import date, timedelta

from django.utils import timezone

from .models import DailySnapshot
from .registry import sources
from .services import take_snapshot

DEMO_DAYS = 90


def generated(key: str, now: int, days_back: int) -> int:
    """The figure ``days_back`` days ago on a climb to ``now``: it moves once a week."""
    if key.endswith(".total"):
        return now  # the size of the catalogue does not change
    start = max(0, now - 20) if key.endswith(".percent") else (now * 3) // 5
    weeks = DEMO_DAYS // 7
    done = max(0, weeks - days_back // 7) / weeks
    return round(start + (now - start) * done)


def figures_for(day: date, today: date, now: dict[str, int]) -> dict[str, int]:
    days_back = (today - day).days
    figures = {key: generated(key, value, days_back) for key, value in now.items()}
    for source in sources():
        if source.as_of is not None:
            figures.update(source.as_of(day))
    if "readiness.percent" in figures and figures.get("readiness.total"):
        figures["readiness.ready"] = (
            figures["readiness.percent"] * figures["readiness.total"] // 100
        )
    return figures


def load(*, stdout, today: date | None = None) -> int:
    today = today or timezone.localdate()
    existing = DailySnapshot.objects.filter(day=today).first()
    now = (existing or take_snapshot(today)).figures
    days = [today - timedelta(days=n) for n in range(1, DEMO_DAYS)]
    taken = set(DailySnapshot.objects.filter(day__in=days).values_list("day", flat=True))
    stamp = timezone.now()
    rows = [
        DailySnapshot(
            day=day,
            figures=figures_for(day, today, now),
            origin=DailySnapshot.Origin.DEMO,
            taken_at=stamp,
        )
        for day in days
        if day not in taken
    ]
    for row in rows:
        row._change_reason = "Demo history of the trends"
        row.save()
    stdout.write(f"Trends: today's snapshot taken, {len(rows)} days of demo history added.")
    return len(rows)
