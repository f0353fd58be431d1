"""Reminders and escalation of the body's findings.

- ``external-finding-due``: an open nonconformity with an owner and a response deadline
  reaches its owner as the deadline nears and once it has passed (found by
  aims.reminders.sweep.run_sweep through ``audits.reminders.SOURCES``).
- The daily escalation (:func:`audits.certification.findings.escalate_overdue`, run by the
  ``escalate_overdue_external_findings`` task) tells every governance officer, once, of each
  finding past its deadline with no response sent.
"""

from collections.abc import Iterator
from datetime import date

from celery import shared_task

from aims.models import format_reference
from aims.reminders.sources import Due, ReminderSource, horizon, url_for

from ..models import ExternalFinding

KIND = "external-finding-due"
TASK = "audits.tasks.escalate_overdue_external_findings"


def external_findings_due(today: date, lead_days: int) -> Iterator[Due]:
    link = url_for("certification:finding_detail")
    rows = ExternalFinding.objects.filter(
        status=ExternalFinding.Status.OPEN,
        kind__in=(ExternalFinding.Kind.MAJOR, ExternalFinding.Kind.MINOR),
        owner__isnull=False,
        response_due__lte=horizon(today, lead_days),
    ).values_list("pk", "title", "kind", "owner_id", "response_due")
    for pk, title, kind, owner_id, due in rows:
        reference = format_reference(ExternalFinding.REFERENCE_PREFIX, pk)
        label = "Major nonconformity" if kind == ExternalFinding.Kind.MAJOR else "Nonconformity"
        yield Due(
            owner_id,
            KIND,
            f"{label} {reference} of the certification body: {title}",
            link(pk),
            due,
            str(pk),
        )


SOURCES = [
    ReminderSource(
        KIND,
        "Certification findings",
        14,
        external_findings_due,
        "The response deadline the certification body set on a nonconformity, to the "
        "finding's owner, until a response is sent.",
        soon="response due {date}",
        late="response overdue since {date}",
    ),
]


@shared_task(name=TASK, acks_late=True)
def escalate_overdue_external_findings() -> list[int]:
    """Escalate the overdue findings to the governance officers (idempotent)."""
    from .findings import escalate_overdue

    return escalate_overdue()
