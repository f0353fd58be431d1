"""The webhook events of incidents (aims.webhooks): an incident created, marked serious
(services call these after their write, in their transaction), and overdue (found by the
daily sweep: ``SWEEP_CHECKS``)."""

from datetime import date, datetime, timedelta

from django.conf import settings
from django.urls import reverse

from aims.webhooks.events import Event
from aims.webhooks.services import emit
from aims.webhooks.sweep import claim_once

from .models import Incident, Status, overdue_q, time_targets
from .selectors import report_overdue_q


def incident_ref(incident: Incident) -> dict:
    path = reverse("incidents:incident_detail", args=[incident.pk])
    return {
        "id": incident.pk, "reference": incident.reference, "title": incident.title,
        "severity": incident.severity, "is_serious": bool(incident.serious_case),
        "system": incident.system.reference if incident.system_id else None,
        "url": f"{settings.AIMS_BASE_URL}{path}",
    }  # fmt: skip


def incident_created(incident: Incident) -> None:
    emit(Event.INCIDENT_CREATED, lambda: {"incident": incident_ref(incident)})


def incident_serious(incident: Incident) -> None:
    emit(Event.INCIDENT_SERIOUS, lambda: {
        "incident": incident_ref(incident), "case": incident.serious_case,
        "report_due_at": incident.report_due_at.isoformat() if incident.report_due_at else None,
    })  # fmt: skip


# --- Found by the daily sweep (aims.webhooks.sweep) ------------------------------------------

#: The clocks of an incident that can run out: its time targets, and the Art. 73 report.
REPORT_CLOCK = "regulatory_report"
TARGET_CLOCKS = {"acknowledge": "acknowledged_at", "contain": "contained_at",
                 "resolve": "resolved_at"}  # fmt: skip


def _overdue_clocks(now: datetime) -> dict[str, tuple[int, str, datetime]]:
    """Every missed clock of an incident, by its once-only key: (incident, clock, due at).
    One query, on the register's overdue conditions (``overdue_q``, ``report_overdue_q``);
    which clocks ran out is then read off the row."""
    targets = time_targets()
    found: dict[str, tuple[int, str, datetime]] = {}
    rows = Incident.objects.filter(overdue_q(now) | report_overdue_q(now)).values_list(
        "pk", "status", "severity", "created_at", "report_due_at", "initial_report_at",
        "report_submitted_at", *TARGET_CLOCKS.values(),
    )  # fmt: skip
    for pk, status, severity, created_at, report_due_at, initial, submitted, *reached in rows:
        missed = []
        if status != Status.CLOSED:
            for clock, reached_at in zip(TARGET_CLOCKS, reached, strict=True):
                due_at = created_at + timedelta(hours=targets[severity][clock])
                if reached_at is None and due_at < now:
                    missed.append((clock, due_at))
        if report_due_at and report_due_at < now and not (initial or submitted):
            missed.append((REPORT_CLOCK, report_due_at))
        for clock, due_at in missed:
            key = f"{Event.INCIDENT_OVERDUE}:{pk}:{clock}:{due_at.isoformat()}"
            found[key] = (pk, clock, due_at)
    return found


def incidents_overdue(today: date, now: datetime) -> int:
    """An incident's time target missed, or its serious-incident report overdue: once per
    incident, clock and due moment."""
    clocks = _overdue_clocks(now)
    claimed = sorted(clocks[key] for key in claim_once(clocks))
    incidents = Incident.objects.select_related("system").in_bulk({pk for pk, _, _ in claimed})
    for pk, clock, due_at in claimed:
        incident = incidents[pk]
        emit(Event.INCIDENT_OVERDUE, lambda incident=incident, clock=clock, due_at=due_at: {
            "incident": incident_ref(incident), "clock": clock, "due_at": due_at.isoformat(),
        })  # fmt: skip
    return len(claimed)


SWEEP_CHECKS = {Event.INCIDENT_OVERDUE: incidents_overdue}
