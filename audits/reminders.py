"""Reminders of management reviews: the actions they decided (found by
aims.reminders.run_sweep)."""

from collections.abc import Iterator
from datetime import date

from aims.reminders import Due, ReminderSource, horizon, url_for

from .models import ReviewAction

KIND = "review-action"


def review_actions(today: date, lead_days: int) -> Iterator[Due]:
    link = url_for("internal_audits:review_detail")
    actions = (
        ReviewAction.objects.filter(
            status=ReviewAction.Status.OPEN, due_date__lte=horizon(today, lead_days)
        )
        .select_related("review")
        .only("pk", "description", "owner_id", "due_date", "review__id", "review__title")
    )
    for action in actions:
        summary = (action.description.strip().splitlines() or [""])[0][:80]
        yield Due(
            recipient_id=action.owner_id,
            kind=KIND,
            title=f"Action from {action.review.reference}: {summary}",
            link=link(action.review_id),
            due_date=action.due_date,
            key=str(action.pk),
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
