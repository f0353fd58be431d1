"""The regulatory clock of EU AI Act Article 73: the deadline to report a serious incident of
a high-risk system, counted in hours from the moment of awareness; marking an incident
serious (which starts the clock), correcting its awareness time (an officer, with a reason,
the original kept), and recording the initial and the complete report (Art. 73(5)) with the
hours the first one came late.

Once an incident is serious its clock is fixed: awareness changes only through
``incident_correct_awareness`` (``awareness_correction_refusal`` says who may), never
through an edit (``awareness_edit_refusal``)."""

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from aims.errors import BusinessRuleError, RuleForbidden, TransitionNotAllowed
from aims.history import save_with_history
from aims.permissions import has_perm, require
from inventory.models import RiskTier

from .. import webhook_events
from ..errors import Code
from ..models import REPORTING_HOURS, Incident, ReportKind, SeriousCase, hours_between
from ._common import FUTURE_TOLERANCE, _event
from .escalation import _escalate

# Who runs the Article 73 clock: marks serious, corrects awareness, records the reports.
SERIOUS_PERMISSION = "incidents.report_serious_incident"


def _moment(value: datetime) -> str:
    return f"{timezone.localtime(value):%d %b %Y %H:%M}"


def report_due_at(aware_at: datetime, case: str) -> datetime:
    """The moment the report of a serious incident of ``case`` is due: awareness plus the
    case's hours (2 days = 48 hours, 10 days = 240, 15 days = 360)."""
    return aware_at + timedelta(hours=REPORTING_HOURS[SeriousCase(case)])


def reporting_deadline(aware_at: datetime, case: str) -> date:
    """The day (local time) on which the report is due: the day of ``report_due_at``."""
    return timezone.localdate(report_due_at(aware_at, case))


def hours_late(due_at: datetime | None, reported_at: datetime) -> int | None:
    """Whole hours a report made at ``reported_at`` came after ``due_at`` (a started hour
    counts as one); None when on time."""
    if due_at is None or reported_at <= due_at:
        return None
    return hours_between(due_at, reported_at)


def is_high_risk(incident: Incident) -> bool:
    return incident.flagged_high_risk or incident.systems.filter(risk_tier=RiskTier.HIGH).exists()


def _set_clock(incident: Incident) -> None:
    """Recompute the due moment, its day and the lateness of a report already made."""
    if not incident.serious_case:
        return
    incident.report_due_at = report_due_at(incident.aware_at, incident.serious_case)
    incident.reporting_deadline = timezone.localdate(incident.report_due_at)
    if incident.first_report_at:
        incident.report_hours_late = hours_late(incident.report_due_at, incident.first_report_at)


def awareness_edit_refusal(incident: Incident) -> BusinessRuleError | None:
    """Why the awareness time of ``incident`` may not be changed by editing its details, or
    None: a serious incident's clock moves only by an officer's correction with a reason."""
    if incident.serious_case:
        return RuleForbidden(
            "This incident is serious: its awareness time starts the reporting clock and "
            "changes only by a governance officer's correction, with a reason.",
            code=Code.AWARENESS_LOCKED,
        )
    return None


def awareness_correction_refusal(user, incident: Incident) -> BusinessRuleError | None:
    """Why ``user`` may not correct the awareness time of ``incident``, or None: the rule
    behind the service, the Correct button and form, and the API action."""
    if not has_perm(user, SERIOUS_PERMISSION):
        return RuleForbidden(
            "Only governance officers correct the awareness time of an incident.",
            code=Code.PERMISSION_DENIED,
        )
    return None


def can_correct_awareness(user, incident: Incident) -> bool:
    return awareness_correction_refusal(user, incident) is None


@transaction.atomic
def incident_correct_awareness(
    *, actor, incident: Incident, aware_at: datetime, reason: str
) -> Incident:
    """Correct when the organisation became aware. The first recorded time is kept
    (``aware_at_original``), with who corrected it, when and why; the reporting clock and the
    lateness of a report already made follow the corrected time."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    refusal = awareness_correction_refusal(actor, incident)
    if refusal is not None:
        raise refusal
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why the awareness time is corrected."]})
    if aware_at is None:
        raise ValidationError({"aware_at": ["Give the corrected awareness time."]})
    if aware_at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({"aware_at": ["Awareness cannot be in the future."]})
    first_report = incident.first_report_at
    if first_report and aware_at > first_report:
        message = (
            f"A report was already made on {_moment(first_report)}: awareness cannot come after it."
        )
        raise BusinessRuleError(
            message,
            code=Code.REPORT_BEFORE_AWARENESS,
            extra={"fields": {"aware_at": [message]}},
        )
    if aware_at == incident.aware_at:
        raise TransitionNotAllowed("The awareness time is already this one.", code=Code.UNCHANGED)
    before = incident.aware_at
    if incident.aware_at_original is None:
        incident.aware_at_original = before
    incident.aware_at = aware_at
    incident.aware_at_corrected_at = timezone.now()
    incident.aware_at_corrected_by = actor
    incident.aware_at_correction_reason = reason
    _set_clock(incident)
    save_with_history(incident, actor=actor, reason=f"Awareness time corrected: {reason}")
    message = (
        f"Awareness corrected by {actor} from {_moment(before)} to {_moment(aware_at)}: {reason}"
    )
    if incident.report_due_at:
        message += f". Report due {_moment(incident.report_due_at)}"
    _event(incident, actor, "awareness", message)
    return incident


@transaction.atomic
def incident_mark_serious(*, actor, incident: Incident, case: str) -> Incident:
    """Start the Article 73 clock: the report is due the case's hours after awareness."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    require(actor, SERIOUS_PERMISSION, message="Only governance officers mark incidents serious.")
    if case not in SeriousCase.values:
        raise ValidationError({"case": [f"'{case}' is not a serious-incident case."]})
    if not is_high_risk(incident):
        raise TransitionNotAllowed(
            "The serious-incident clock applies to high-risk systems: none of the affected "
            "systems is classified high-risk. Flag the incident as high-risk if it should apply.",
            code=Code.NOT_HIGH_RISK,
        )
    if incident.first_report_at:
        raise TransitionNotAllowed("The report is already submitted.", code=Code.ALREADY_REPORTED)
    incident.serious_case = case
    _set_clock(incident)
    save_with_history(
        incident, actor=actor, reason=f"Marked serious: {incident.get_serious_case_display()}"
    )
    due = _moment(incident.report_due_at)
    _event(
        incident,
        actor,
        "serious",
        f"Marked serious by {actor} ({incident.get_serious_case_display()}): report due by {due}",
    )
    _escalate(incident, f"serious incident, report due {due}")
    webhook_events.incident_serious(incident)
    return incident


def _report_refusal(incident: Incident, kind: str) -> BusinessRuleError | None:
    if not incident.serious_case:
        return TransitionNotAllowed("The incident is not marked serious.", code=Code.NOT_SERIOUS)
    if incident.report_submitted_at:
        return TransitionNotAllowed(
            "The complete report is already recorded.", code=Code.ALREADY_REPORTED
        )
    if kind == ReportKind.INITIAL and incident.initial_report_at:
        return TransitionNotAllowed(
            "The initial report is already recorded; record the complete report now.",
            code=Code.ALREADY_REPORTED,
        )
    return None


def _field_refusal(code: str, field: str, message: str) -> BusinessRuleError:
    return BusinessRuleError(message, code=code, extra={"fields": {field: [message]}})


@transaction.atomic
def incident_record_report(
    *,
    actor,
    incident: Incident,
    reference: str,
    submitted_at: datetime | None = None,
    kind: str = ReportKind.COMPLETE,
) -> Incident:
    """Record a report to the authority: the initial one (Art. 73(5), may be incomplete) or
    the complete one. Neither may predate awareness, the complete one may not predate the
    initial one; the first report fixes how many hours late the incident was reported."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    require(actor, SERIOUS_PERMISSION, message="Only governance officers record reports.")
    if kind not in ReportKind.values:
        raise ValidationError({"kind": [f"'{kind}' is not a kind of report."]})
    refusal = _report_refusal(incident, kind)
    if refusal is not None:
        raise refusal
    if not reference.strip():
        raise ValidationError({"reference": ["Give the authority's reference or a description."]})
    submitted_at = submitted_at or timezone.now()
    if submitted_at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({"submitted_at": ["The submission cannot be in the future."]})
    if submitted_at < incident.aware_at:
        raise _field_refusal(
            Code.REPORT_BEFORE_AWARENESS,
            "submitted_at",
            f"A report cannot predate awareness ({_moment(incident.aware_at)}).",
        )
    initial_at = incident.initial_report_at
    if kind == ReportKind.COMPLETE and initial_at and submitted_at < initial_at:
        raise _field_refusal(
            Code.COMPLETE_BEFORE_INITIAL,
            "submitted_at",
            f"The complete report cannot predate the initial report ({_moment(initial_at)}).",
        )
    first = incident.first_report_at is None
    if incident.report_due_at is None:  # marked serious before the clock ran in hours
        _set_clock(incident)
    if kind == ReportKind.INITIAL:
        incident.initial_report_at = submitted_at
        incident.initial_report_reference = reference.strip()
    else:
        incident.report_submitted_at = submitted_at
        incident.report_reference = reference.strip()
    if first:
        incident.report_hours_late = hours_late(incident.report_due_at, submitted_at)
    label = ReportKind(kind).label.split(" (")[0]
    save_with_history(incident, actor=actor, reason=f"Serious-incident {label.lower()} submitted")
    late = f"{incident.report_hours_late} h LATE " if first and incident.report_hours_late else ""
    _event(
        incident,
        actor,
        "report",
        f"{label} submitted {_moment(submitted_at)} {late}recorded by {actor}: {reference.strip()}",
    )
    return incident
