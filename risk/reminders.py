"""Reminders of the risk register: risk reviews (found by aims.reminders.sweep.run_sweep)."""

from collections.abc import Iterator
from datetime import date

from aims.models import format_reference
from aims.reminders.sources import Due, ReminderSource, horizon, url_for
from inventory.models import LifecycleStage

from .models import Risk

KIND = "risk-review"


def risk_reviews(today: date, lead_days: int) -> Iterator[Due]:
    link = url_for("risk:risk_detail")
    rows = (
        Risk.objects.exclude(system__lifecycle_stage=LifecycleStage.RETIRED)
        .filter(review_date__lte=horizon(today, lead_days))
        .values_list("pk", "title", "owner_id", "review_date")
    )
    for pk, title, owner_id, due_date in rows:
        reference = format_reference(Risk.REFERENCE_PREFIX, pk)
        yield Due(owner_id, KIND, f"Review of {reference} {title}", link(pk), due_date, str(pk))


SOURCES = [
    ReminderSource(
        KIND,
        "Risk reviews",
        14,
        risk_reviews,
        "The review date of risks on systems that are not retired, to the risk owner.",
    ),
]
