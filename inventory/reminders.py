"""Reminders of the inventory: AI system reviews and the conditions of approvals (found by
aims.reminders.sweep.run_sweep)."""

from collections.abc import Iterator
from datetime import date

from aims.models import format_reference
from aims.reminders.sources import Due, ReminderSource, horizon, url_for

from .models import AISystem, ApprovalCondition, LifecycleStage

KIND = "system-review"
CONDITION_KIND = "approval-condition"
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


def approval_conditions(today: date, lead_days: int) -> Iterator[Due]:
    """Open conditions of approvals near or past their due date, to the condition's owner."""
    link = url_for("inventory:system_detail")
    rows = (
        ApprovalCondition.objects.filter(status=ApprovalCondition.Status.OPEN)
        .exclude(system__lifecycle_stage__in=FINISHED)
        .filter(due_on__lte=horizon(today, lead_days))
        .values_list("pk", "text", "owner_id", "due_on", "system_id")
    )
    for pk, text, owner_id, due_date, system_id in rows:
        reference = format_reference(ApprovalCondition.REFERENCE_PREFIX, pk)
        system = format_reference(AISystem.REFERENCE_PREFIX, system_id)
        title = f"Condition {reference} of {system}: {text}"[:200]
        yield Due(owner_id, CONDITION_KIND, title, link(system_id), due_date, str(pk))


SOURCES = [
    ReminderSource(
        KIND,
        "AI system reviews",
        30,
        system_reviews,
        "The next review date of AI systems that are neither retired nor rejected, to the "
        "system owner.",
    ),
    ReminderSource(
        CONDITION_KIND,
        "Conditions of approvals",
        14,
        approval_conditions,
        "Open conditions of gate approvals, near or past their due date, to the condition's owner.",
    ),
]
