"""Reminders of incidents (found by aims.reminders.sweep.run_sweep): the time targets to
acknowledge, contain and resolve (``incidents.models.time_targets``), and the EU AI Act
Article 73 reporting deadline of serious incidents (``services.reporting_deadline``).

The incident owner hears of a target coming up; once it is missed, the governance officers
hear of it too, as they do of escalations. Reporting deadlines go to the owner and the
officers from the start: only officers record the report to the authority.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils import timezone

from aims.models import format_reference
from aims.notifications.services import users_in_role
from aims.reminders.sources import OVERDUE, Due, ReminderSource, horizon, url_for
from aims.roles import OFFICER

from .models import Incident, Status, hours_between, hours_phrase, moment_in_zone, time_targets

TARGETS = "incident-target"
REPORTING = "incident-reporting"
REACHED_AT = {"acknowledge": "acknowledged_at", "contain": "contained_at", "resolve": "resolved_at"}
STAGE_TITLES = {"acknowledge": "Acknowledgement", "contain": "Containment", "resolve": "Resolution"}


def _officer_ids() -> list[int]:
    return list(users_in_role(OFFICER).values_list("pk", flat=True))


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def incident_targets(today: date, lead_days: int) -> Iterator[Due]:
    """Each open incident's unreached stages whose target falls by the end of the window."""
    last_day = horizon(today, lead_days)
    window_end = _start_of(last_day + timedelta(days=1))
    targets = time_targets()
    condition = Q(pk__in=[])
    for severity, hours in targets.items():
        for stage, field in REACHED_AT.items():
            condition |= Q(
                severity=severity,
                **{f"{field}__isnull": True},
                created_at__lt=window_end - timedelta(hours=hours[stage]),
            )
    rows = (
        Incident.objects.exclude(status=Status.CLOSED)
        .filter(condition)
        .values_list("pk", "title", "severity", "owner_id", "created_at", *REACHED_AT.values())
    )
    link = url_for("incidents:incident_detail")
    officers = _officer_ids()
    for pk, title, severity, owner_id, created_at, *reached in rows:
        reference = format_reference(Incident.REFERENCE_PREFIX, pk)
        for stage, reached_at in zip(REACHED_AT, reached, strict=True):
            if reached_at is not None:
                continue
            due_at = created_at + timedelta(hours=targets[severity][stage])
            due_date = timezone.localdate(due_at)
            if due_date > last_day:
                continue
            due = Due(
                recipient_id=owner_id,
                kind=TARGETS,
                title=f"{STAGE_TITLES[stage]} of {reference} {title}",
                link=link(pk),
                due_date=due_date,
                key=f"{pk}:{stage}",
            )
            yield due
            if due.stage(today) == OVERDUE:
                yield from (
                    Due(o, TARGETS, due.title, due.link, due.due_date, due.key)
                    for o in officers
                    if o != owner_id
                )


@dataclass(frozen=True, slots=True)
class ReportDue(Due):
    """A reporting reminder knows the due moment, not only its day: Art. 73 deadlines run
    in hours from awareness."""

    due_at: datetime | None = None


def report_phrase(due_at: datetime | None, now: datetime) -> str:
    """ "due 6 Dec 2026, 14:30 CET (Europe/Berlin)", or once that moment has passed
    "overdue by 5 hours (due 6 Dec 2026, 14:30 CET (Europe/Berlin))"."""
    if due_at is None:
        return ""
    moment = moment_in_zone(due_at)
    if now > due_at:
        return f"overdue by {hours_phrase(hours_between(due_at, now))} (due {moment})"
    return f"due {moment}"


class ReportingSource(ReminderSource):
    """Phrases a reporting reminder with the due date and time, and the hours overdue."""

    def phrase(self, due: Due, today: date) -> str:
        if isinstance(due, ReportDue) and due.due_at is not None:
            return report_phrase(due.due_at, timezone.now())
        return super().phrase(due, today)


def reporting_deadlines(today: date, lead_days: int) -> Iterator[Due]:
    """Serious incidents whose report to the authority is not recorded yet."""
    rows = Incident.objects.filter(
        reporting_deadline__lte=horizon(today, lead_days),
        initial_report_at__isnull=True,
        report_submitted_at__isnull=True,
    ).values_list("pk", "title", "owner_id", "reporting_deadline", "report_due_at")
    link = url_for("incidents:incident_detail")
    officers = _officer_ids()
    for pk, title, owner_id, deadline, due_at in rows:
        reference = format_reference(Incident.REFERENCE_PREFIX, pk)
        for recipient in {owner_id, *officers}:
            yield ReportDue(
                recipient_id=recipient,
                kind=REPORTING,
                title=f"Serious-incident report on {reference} {title}",
                link=link(pk),
                due_date=deadline,
                key=str(pk),
                due_at=due_at,
            )


SOURCES = [
    ReminderSource(
        TARGETS,
        "Incident time targets",
        1,
        incident_targets,
        "The targets to acknowledge, contain and resolve open incidents, by severity: to the "
        "incident owner, and to the governance officers once a target is missed.",
    ),
    ReportingSource(
        REPORTING,
        "Serious-incident reports (EU AI Act Art. 73)",
        15,
        reporting_deadlines,
        "The moment (date, time and zone) by which a serious incident is reported to the "
        "authority, counted in hours from awareness: to the incident owner and the governance "
        "officers until the report is recorded, saying how many hours overdue once late.",
        soon="due by {date}",
    ),
]
