"""Every write of a management review and its actions. A review moves planned -> held
(outcome recorded) -> closed; its inputs can be refreshed only while it is planned."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from aims.errors import BusinessRuleError, TransitionNotAllowed
from aims.history import save_with_history
from aims.permissions import require

from ..errors import Code
from ..models import ManagementReview, ReviewAction
from .inputs import default_since, gather_inputs
from .trends import previous_review, trend

Status = ManagementReview.Status
OFFICERS_ONLY = "Only governance officers prepare and record management reviews."


REVIEW_FIELDS = ("title", "meeting_date", "chair", "attendees")
ACTION_FIELDS = ("description", "owner", "due_date", "status")


def _locked(review: ManagementReview) -> ManagementReview:
    return ManagementReview.objects.select_for_update().get(pk=review.pk)


def _require_status(review: ManagementReview, allowed: tuple[str, ...], doing: str) -> None:
    if review.status not in allowed:
        labels = " or ".join(Status(s).label.lower() for s in allowed)
        raise TransitionNotAllowed(
            f"{doing} is possible only while the review is {labels}; {review.reference} is "
            f"'{review.get_status_display()}'.",
            code=Code.TRANSITION_NOT_ALLOWED,
        )


def _gather(review: ManagementReview, since: date | None) -> None:
    since = since or default_since(review.meeting_date, exclude=review)
    if since > review.meeting_date:
        raise ValidationError({"since": ["The period cannot start after the meeting."]})
    review.inputs = gather_inputs(since, review=review)
    review.inputs["trend"] = trend(
        review.inputs, previous_review(review.meeting_date, exclude=review)
    )
    review.inputs_gathered_at = timezone.now()


@transaction.atomic
def review_create(
    *,
    actor,
    title: str,
    meeting_date: date,
    chair,
    attendees: Iterable = (),
    since: date | None = None,
) -> ManagementReview:
    """Plan a review and take the first snapshot of its inputs."""
    require(
        actor, "audits.add_managementreview", message=OFFICERS_ONLY, code=Code.PERMISSION_DENIED
    )
    review = ManagementReview(title=title, meeting_date=meeting_date, chair=chair)
    _gather(review, since)
    save_with_history(review, actor=actor, reason="Management review planned; inputs gathered")
    review.attendees.set(list(attendees))
    return review


@transaction.atomic
def review_update(*, actor, review: ManagementReview, data: dict[str, Any]) -> ManagementReview:
    require(
        actor, "audits.change_managementreview", message=OFFICERS_ONLY, code=Code.PERMISSION_DENIED
    )
    unknown = set(data) - set(REVIEW_FIELDS)
    if unknown:
        raise BusinessRuleError(f"Unknown fields: {', '.join(sorted(unknown))}", code=Code.INVALID)
    review = _locked(review)
    _require_status(review, (Status.PLANNED,), "Editing the plan")
    data = dict(data)
    attendees = data.pop("attendees", None)
    for field, value in data.items():
        setattr(review, field, value)
    save_with_history(
        review, actor=actor, reason=f"Plan edited: {', '.join(sorted(data)) or 'attendees'}"
    )
    if attendees is not None:
        review.attendees.set(list(attendees))
    return review


@transaction.atomic
def review_refresh_inputs(
    *, actor, review: ManagementReview, since: date | None = None
) -> ManagementReview:
    """Take a fresh snapshot of the inputs (until the meeting is held)."""
    require(
        actor, "audits.change_managementreview", message=OFFICERS_ONLY, code=Code.PERMISSION_DENIED
    )
    review = _locked(review)
    _require_status(review, (Status.PLANNED,), "Refreshing the inputs")
    _gather(review, since)
    save_with_history(review, actor=actor, reason="Inputs refreshed from live data")
    return review


@transaction.atomic
def review_record(
    *,
    actor,
    review: ManagementReview,
    decisions: str,
    minutes: str = "",
    input_notes: str = "",
    attendees: Iterable | None = None,
) -> ManagementReview:
    """Record the meeting: discussion of the inputs, decisions (the outputs), minutes."""
    require(
        actor, "audits.change_managementreview", message=OFFICERS_ONLY, code=Code.PERMISSION_DENIED
    )
    review = _locked(review)
    _require_status(review, (Status.PLANNED, Status.HELD), "Recording the outcome")
    if not decisions.strip():
        raise ValidationError(
            {"decisions": ["Record the decisions taken (improvements, changes, resources)."]}
        )
    if review.meeting_date > timezone.localdate():
        raise ValidationError(
            {"decisions": [f"The meeting is planned for {review.meeting_date:%d %b %Y}: record "
                           "its outcome once it has taken place."]}
        )  # fmt: skip
    first = review.status == Status.PLANNED
    review.decisions = decisions.strip()
    review.minutes = minutes.strip()
    review.input_notes = input_notes.strip()
    review.status = Status.HELD
    save_with_history(
        review, actor=actor, reason="Meeting held: outcome recorded" if first else "Edited"
    )
    if attendees is not None:
        review.attendees.set(list(attendees))
    return review


@transaction.atomic
def review_close(*, actor, review: ManagementReview) -> ManagementReview:
    """Close a held review; its actions stay tracked until the next review reports them."""
    require(
        actor, "audits.change_managementreview", message=OFFICERS_ONLY, code=Code.PERMISSION_DENIED
    )
    review = _locked(review)
    _require_status(review, (Status.HELD,), "Closing")
    review.status = Status.CLOSED
    save_with_history(review, actor=actor, reason="Review closed")
    return review


def _check_action_dates(due_date: date | None, review: ManagementReview) -> None:
    if due_date is not None and due_date < review.meeting_date:
        raise ValidationError({"due_date": ["An action cannot be due before the meeting."]})


@transaction.atomic
def review_action_add(
    *, actor, review: ManagementReview, description: str, owner, due_date: date
) -> ReviewAction:
    """An action decided at the review, with its owner and due date."""
    require(actor, "audits.add_reviewaction", message=OFFICERS_ONLY, code=Code.PERMISSION_DENIED)
    review = _locked(review)
    _require_status(review, (Status.HELD,), "Adding actions")
    _check_action_dates(due_date, review)
    action = ReviewAction(review=review, description=description, owner=owner, due_date=due_date)
    save_with_history(action, actor=actor, reason=f"Action decided at {review.reference}")
    return action


@transaction.atomic
def review_action_update(*, actor, action: ReviewAction, data: dict[str, Any]) -> ReviewAction:
    """Edit an action or report its status (done, dropped). The status stays reportable after
    the review closes; the wording, owner and date are fixed once it is closed."""
    require(actor, "audits.change_reviewaction", message=OFFICERS_ONLY, code=Code.PERMISSION_DENIED)
    unknown = set(data) - set(ACTION_FIELDS)
    if unknown:
        raise BusinessRuleError(f"Unknown fields: {', '.join(sorted(unknown))}", code=Code.INVALID)
    action = ReviewAction.objects.select_for_update().select_related("review").get(pk=action.pk)
    changed = [f for f, v in data.items() if getattr(action, f) != v]
    if action.review.status == Status.CLOSED and set(changed) - {"status"}:
        raise TransitionNotAllowed(
            "The review is closed: only the action's status can still be reported.",
            code=Code.REVIEW_CLOSED,
        )
    for field, value in data.items():
        setattr(action, field, value)
    if "due_date" in changed:
        _check_action_dates(action.due_date, action.review)
    if not changed:
        return action
    reason = (
        f"Status: {action.get_status_display()}"
        if changed == ["status"]
        else f"Edited: {', '.join(changed)}"
    )
    save_with_history(action, actor=actor, reason=reason)
    return action
