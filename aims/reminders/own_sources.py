"""aims' own reminder sources: policy reviews, evidence expiry, corrective actions and
training expiry (found by the sweep as ``aims.reminders.SOURCES``)."""

from collections.abc import Iterator
from datetime import date

from django.db.models import Exists, OuterRef, Q
from django.urls import NoReverseMatch, reverse

from aims.models import CorrectiveAction, Evidence, Policy, TrainingRecord, format_reference
from aims.reminders.sources import Due, ReminderSource, horizon, url_for


def policy_reviews(today: date, lead_days: int) -> Iterator[Due]:
    link = url_for("ms:policy_detail")
    rows = Policy.objects.filter(next_review_date__lte=horizon(today, lead_days)).values_list(
        "pk", "title", "owner_id", "next_review_date"
    )
    for pk, title, owner_id, due_date in rows:
        reference = format_reference(Policy.REFERENCE_PREFIX, pk)
        yield Due(
            owner_id, "policy-review", f"Review of {reference} {title}", link(pk), due_date, str(pk)
        )


def evidence_expiring(today: date, lead_days: int) -> Iterator[Due]:
    link = url_for("evidence:evidence_detail")
    rows = Evidence.objects.filter(
        superseded_at__isnull=True, valid_until__lte=horizon(today, lead_days)
    ).values_list("pk", "title", "owner_id", "valid_until")
    for pk, title, owner_id, due_date in rows:
        reference = format_reference(Evidence.REFERENCE_PREFIX, pk)
        yield Due(owner_id, "evidence-expiry", f"{reference} {title}", link(pk), due_date, str(pk))


def corrective_actions_due(today: date, lead_days: int) -> Iterator[Due]:
    link = url_for("capa:capa_detail")
    rows = (
        CorrectiveAction.objects.exclude(status__in=CorrectiveAction.done_statuses())
        .filter(due_date__lte=horizon(today, lead_days))
        .values_list("pk", "title", "owner_id", "due_date")
    )
    for pk, title, owner_id, due_date in rows:
        reference = format_reference(CorrectiveAction.REFERENCE_PREFIX, pk)
        yield Due(owner_id, "capa-due", f"{reference} {title}", link(pk), due_date, str(pk))


def training_expiring(today: date, lead_days: int) -> Iterator[Due]:
    """The latest record of each person and course, when it expires inside the window (an
    older record superseded by a newer completion is no reason to remind anyone)."""
    try:
        path = reverse("competence:my_training")
    except NoReverseMatch:
        path = ""
    newer = TrainingRecord.objects.filter(user=OuterRef("user"), course=OuterRef("course")).filter(
        Q(completed_on__gt=OuterRef("completed_on"))
        | Q(completed_on=OuterRef("completed_on"), pk__gt=OuterRef("pk"))
    )
    rows = (
        TrainingRecord.objects.filter(
            expires_on__lte=horizon(today, lead_days), course__is_active=True
        )
        .exclude(Exists(newer))
        .values_list("pk", "user_id", "expires_on", "course__title")
    )
    for pk, user_id, due_date, course in rows:
        yield Due(user_id, "training-expiry", f"Your training '{course}'", path, due_date, str(pk))


SOURCES = [
    ReminderSource(
        "policy-review",
        "Policy reviews",
        30,
        policy_reviews,
        "A policy's next review date, to the policy owner.",
    ),
    ReminderSource(
        "evidence-expiry",
        "Evidence expiring",
        30,
        evidence_expiring,
        "The end of validity of current evidence (not superseded versions), to its owner.",
        soon="valid until {date}",
        late="expired after {date}",
    ),
    ReminderSource(
        "capa-due",
        "Corrective actions due",
        7,
        corrective_actions_due,
        "The due date of corrective actions not yet verified or closed, to the action owner.",
    ),
    ReminderSource(
        "training-expiry",
        "Training expiring",
        30,
        training_expiring,
        "The expiry of each person's latest completion of an active course, to that person.",
        soon="valid until {date}",
        late="expired after {date}",
    ),
]
