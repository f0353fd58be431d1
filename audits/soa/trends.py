"""Readiness's share of the daily trends: the readiness percentage, and the top gaps of the
executive summary (the gap list's public selector, restricted to the viewer)."""

from datetime import date

from aims.trends.registry import Chart, Series, Source

from . import gaps
from .readiness import readiness

SEVERITY_LABELS = {gaps.HIGH: "High", gaps.MEDIUM: "Medium", gaps.LOW: "To do"}


def figures(today: date) -> dict[str, int]:
    state = readiness(today=today)
    return {
        "readiness.percent": state.percent,
        "readiness.ready": state.ready,
        "readiness.total": state.total,
    }


def top_gaps(user, limit: int) -> list[dict[str, str]]:
    return [
        {
            "record": gap.record,
            "message": gap.message,
            "action": gap.action,
            "severity": SEVERITY_LABELS.get(gap.severity, gap.severity),
        }
        for gap in gaps.first_gaps(user=user, top=limit)
    ]


PERCENT = Series("readiness.percent", "Readiness")

SOURCE = Source(
    name="readiness",
    order=10,
    permission="audits.view_controlstatement",
    figures=figures,
    gaps=top_gaps,
    charts=(Chart("readiness", 10, "ISO/IEC 42001 readiness", (PERCENT,), "%", maximum=100),),
    headline=(PERCENT,),
)
