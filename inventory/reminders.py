"""Reminders of the inventory: AI system reviews (found by aims.reminders.sweep.run_sweep)."""

from collections.abc import Iterator
from datetime import date

from aims.models import format_reference
from aims.reminders.sources import Due, ReminderSource, horizon, url_for

from .models import AISystem, LifecycleStage

KIND = "system-review"
FINISHED = (LifecycleStage.RETIRED, LifecycleStage.REJECTED)


def system_reviews(today: date, lead_days: int) -> Iterator[Due]:
    link = url_for("inventory:system_detail")
    rows = (
        AISystem.objects.exclude(lifecycle_stage__in=FINISHED)
        .filter(next_review_date__lte=horizon(today, lead_days))
        .values_list("pk", "name", "owner_id", "next_review_date")
    )
    for pk, name, owner_id, due_date in rows:
        reference = format_reference(AISystem.REFERENCE_PREFIX, pk)
        yield Due(owner_id, KIND, f"Review of {reference} {name}", link(pk), due_date, str(pk))


SOURCES = [
    ReminderSource(
        KIND,
        "AI system reviews",
        30,
        system_reviews,
        "The next review date of AI systems that are neither retired nor rejected, to the "
        "system owner.",
    ),
]
