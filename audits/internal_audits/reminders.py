"""Reminders of audit findings: an open finding with an owner and a due date reaches its
owner as the date nears and once it is overdue (found by aims.reminders.sweep.run_sweep)."""

from collections.abc import Iterator
from datetime import date

from aims.models import format_reference
from aims.reminders.sources import Due, ReminderSource, horizon, url_for

from ..models import Finding

KIND = "finding-due"


def findings_due(today: date, lead_days: int) -> Iterator[Due]:
    link = url_for("internal_audits:finding_detail")
    rows = Finding.objects.filter(
        status=Finding.Status.OPEN,
        owner__isnull=False,
        due_date__lte=horizon(today, lead_days),
    ).values_list("pk", "title", "owner_id", "due_date")
    for pk, title, owner_id, due_date in rows:
        reference = format_reference(Finding.REFERENCE_PREFIX, pk)
        yield Due(owner_id, KIND, f"Finding {reference}: {title}", link(pk), due_date, str(pk))


SOURCES = [
    ReminderSource(
        KIND,
        "Audit findings",
        7,
        findings_due,
        "The due date of open audit findings, to the finding's owner.",
    ),
]
