"""The regulatory clock of EU AI Act Article 73: the deadline to report a serious incident of
a high-risk system, counted from awareness; marking an incident serious (which starts the
clock) and recording the report submitted to the authority."""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from aims.errors import TransitionNotAllowed
from aims.history import save_with_history
from aims.permissions import require
from inventory.models import RiskTier

from ..errors import Code
from ..models import REPORTING_DAYS, Incident, SeriousCase
from ._common import FUTURE_TOLERANCE, _event
from .escalation import _escalate


def reporting_deadline(aware_at: datetime, case: str) -> date:
    """The last day to report a serious incident of ``case``, counted from awareness."""
    return timezone.localdate(aware_at) + timedelta(days=REPORTING_DAYS[SeriousCase(case)])


def is_high_risk(incident: Incident) -> bool:
    return incident.flagged_high_risk or incident.systems.filter(risk_tier=RiskTier.HIGH).exists()


def _set_deadline(incident: Incident, actor) -> None:
    incident.reporting_deadline = reporting_deadline(incident.aware_at, incident.serious_case)
    save_with_history(incident, actor=actor, reason="Reporting deadline recomputed")


@transaction.atomic
def incident_mark_serious(*, actor, incident: Incident, case: str) -> Incident:
    """Start the Article 73 clock: the reporting deadline counts from the date of awareness."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    require(
        actor,
        "incidents.report_serious_incident",
        message="Only governance officers mark incidents serious.",
    )
    if case not in SeriousCase.values:
        raise ValidationError({"case": [f"'{case}' is not a serious-incident case."]})
    if not is_high_risk(incident):
        raise TransitionNotAllowed(
            "The serious-incident clock applies to high-risk systems: none of the affected "
            "systems is classified high-risk. Flag the incident as high-risk if it should apply.",
            code=Code.NOT_HIGH_RISK,
        )
    if incident.report_submitted_at:
        raise TransitionNotAllowed("The report is already submitted.", code=Code.ALREADY_REPORTED)
    incident.serious_case = case
    incident.reporting_deadline = reporting_deadline(incident.aware_at, case)
    save_with_history(
        incident, actor=actor, reason=f"Marked serious: {incident.get_serious_case_display()}"
    )
    _event(
        incident,
        actor,
        "serious",
        f"Marked serious by {actor} ({incident.get_serious_case_display()}): report due by "
        f"{incident.reporting_deadline:%d %b %Y}",
    )
    _escalate(incident, f"serious incident, report due {incident.reporting_deadline:%d %b %Y}")
    return incident


@transaction.atomic
def incident_record_report(
    *, actor, incident: Incident, reference: str, submitted_at: datetime | None = None
) -> Incident:
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    require(
        actor,
        "incidents.report_serious_incident",
        message="Only governance officers record reports.",
    )
    if not incident.serious_case:
        raise TransitionNotAllowed("The incident is not marked serious.", code=Code.NOT_SERIOUS)
    if incident.report_submitted_at:
        raise TransitionNotAllowed("The report is already recorded.", code=Code.ALREADY_REPORTED)
    if not reference.strip():
        raise ValidationError({"reference": ["Give the authority's reference or a description."]})
    submitted_at = submitted_at or timezone.now()
    if submitted_at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({"submitted_at": ["The submission cannot be in the future."]})
    incident.report_submitted_at = submitted_at
    incident.report_reference = reference.strip()
    save_with_history(incident, actor=actor, reason="Serious-incident report submitted")
    late = timezone.localdate(submitted_at) > incident.reporting_deadline
    _event(
        incident,
        actor,
        "report",
        f"Report submitted {'LATE ' if late else ''}by {actor}: {incident.report_reference}",
    )
    return incident
