"""Reminders of management reviews: the actions they decided (found by
aims.reminders.sweep.run_sweep)."""

from collections.abc import Iterator
from datetime import date

from aims.models import format_reference
from aims.reminders.sources import Due, ReminderSource, horizon, url_for

from ..models import ManagementReview, ReviewAction

KIND = "review-action"


def review_actions(today: date, lead_days: int) -> Iterator[Due]:
    link = url_for("internal_audits:review_detail")
    rows = ReviewAction.objects.filter(
        status=ReviewAction.Status.OPEN, due_date__lte=horizon(today, lead_days)
    ).values_list("pk", "description", "owner_id", "due_date", "review_id")
    for pk, description, owner_id, due_date, review_id in rows:
        summary = (description.strip().splitlines() or [""])[0][:80]
        reference = format_reference(ManagementReview.REFERENCE_PREFIX, review_id)
        yield Due(
            recipient_id=owner_id,
            kind=KIND,
            title=f"Action from {reference}: {summary}",
            link=link(review_id),
            due_date=due_date,
            key=str(pk),
        )


SOURCES = [
    ReminderSource(
        KIND,
        "Management review actions",
        14,
        review_actions,
        "The due date of open actions decided at a management review, to the action owner.",
    ),
]
