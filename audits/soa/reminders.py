"""Reminders of readiness gaps: an assigned gap not yet resolved or accepted reaches its owner
as its due date nears and once it is overdue (found by aims.reminders.sweep.run_sweep)."""

from collections.abc import Iterator
from datetime import date

from django.urls import NoReverseMatch, reverse

from aims.reminders.sources import Due, ReminderSource, horizon

from ..models import GapAssignment
from .gaps import KINDS

KIND = "readiness-gap"
WORKING = (GapAssignment.Status.OPEN, GapAssignment.Status.IN_PROGRESS)


def _link(kind: str, record: str) -> str:
    try:
        return reverse("soa:gap_detail", args=[kind, record])
    except NoReverseMatch:  # the pages are not mounted: the reminder carries no link
        return ""


def readiness_gaps(today: date, lead_days: int) -> Iterator[Due]:
    rows = GapAssignment.objects.filter(
        status__in=WORKING, due_date__lte=horizon(today, lead_days)
    ).values_list("pk", "kind", "record", "owner_id", "due_date")
    for pk, kind, record, owner_id, due_date in rows:
        yield Due(
            recipient_id=owner_id,
            kind=KIND,
            title=f"Readiness gap on {record}: {KINDS.get(kind, kind).lower()}",
            link=_link(kind, record),
            due_date=due_date,
            key=str(pk),
        )


SOURCES = [
    ReminderSource(
        KIND,
        "Readiness gaps",
        7,
        readiness_gaps,
        "The due date of readiness gaps assigned and not yet resolved or accepted, to the "
        "gap's owner.",
    ),
]
