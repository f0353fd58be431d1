"""Every write to incidents and monitoring, with its business rules. Views, API, tasks and the
demo call these functions; nothing else writes incident or monitoring records."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from aims.capa import selectors as capa_selectors
from aims.errors import BusinessRuleError, RuleForbidden, TransitionNotAllowed
from aims.history import save_with_history
from aims.notifications.services import notify, users_in_role
from aims.permissions import can_change_record, has_perm, require
from aims.roles import APPROVER, OFFICER
from inventory.models import AISystem, RiskTier
from inventory.selectors import restrict_systems

from .errors import Code
from .models import (
    ESCALATE_TO_APPROVERS,
    NEEDS_CORRECTIVE_ACTION,
    REPORTING_DAYS,
    SEVERITY_RANK,
    Alert,
    DetectionChannel,
    Incident,
    IncidentEvent,
    Metric,
    Observation,
    SeriousCase,
    Severity,
    Status,
)

# Observations may be a little ahead of the server clock (clock skew), not more.
FUTURE_TOLERANCE = timedelta(minutes=5)
DETAIL_FIELDS = (
    "title",
    "description",
    "detection_channel",
    "category",
    "aware_at",
    "people_affected",
    "impact",
    "containment",
    "root_cause",
    "lessons_learned",
    "flagged_high_risk",
)


def _event(incident: Incident, actor, kind: str, message: str) -> IncidentEvent:
    """Append one entry to the incident's timeline (the only writer of IncidentEvent)."""
    return IncidentEvent.objects.create(incident=incident, actor=actor, kind=kind, message=message)


def incident_url(incident: Incident) -> str:
    return reverse("incidents:incident_detail", args=[incident.pk])


def can_change_incident(user, incident: Incident) -> bool:
    """Officers on any incident; owners on incidents whose primary system they may change."""
    return has_perm(user, "incidents.change_incident") and can_change_record(user, incident)


def _require_change(actor, incident: Incident) -> None:
    if not can_change_incident(actor, incident):
        raise RuleForbidden("You may not change this incident.", code=Code.PERMISSION_DENIED)


# --- Escalation -----------------------------------------------------------------------------


def escalation_recipients(incident: Incident) -> list:
    """System owners and governance officers; approvers too for SEV1 and SEV2."""
    recipients = {s.owner for s in incident.systems.select_related("owner")}
    recipients.add(incident.system.owner)
    recipients.update(users_in_role(OFFICER))
    if incident.severity in ESCALATE_TO_APPROVERS:
        recipients.update(users_in_role(APPROVER))
    return sorted(recipients, key=lambda u: u.pk)


def _escalate(incident: Incident, headline: str) -> None:
    notify(
        recipients=escalation_recipients(incident),
        title=f"{incident.reference} {incident.get_severity_display()}: {headline}",
        body=incident.title,
        link=incident_url(incident),
    )


# --- Incidents ------------------------------------------------------------------------------


def _create(
    *,
    actor,
    system: AISystem,
    other_systems: Iterable[AISystem] = (),
    reason: str,
    **fields: Any,
) -> Incident:
    incident = Incident(system=system, owner=fields.pop("owner", None) or system.owner, **fields)
    incident.reporter = actor
    save_with_history(incident, actor=actor, reason=reason)
    incident.systems.set({system, *other_systems})
    _event(incident, actor, "reported", f"Reported by {actor}: {incident.get_severity_display()}")
    _escalate(incident, "new incident")
    return incident


@transaction.atomic
def incident_report(
    *,
    actor,
    system: AISystem,
    title: str,
    description: str,
    detection_channel: str,
    category: str,
    severity: str,
    other_systems: Iterable[AISystem] = (),
    aware_at: datetime | None = None,
    people_affected: int | None = None,
    impact: str = "",
    flagged_high_risk: bool = False,
    owner=None,
) -> Incident:
    """Report an incident on systems the actor can see; owners and officers are told."""
    require(actor, "incidents.add_incident", message="You may not report incidents.")
    visible = restrict_systems(AISystem.objects.all(), actor)
    others = list(other_systems)
    if not visible.filter(pk=system.pk).exists():
        raise ValidationError({"system": ["No AI system with this id."]})
    if others and visible.filter(pk__in=[s.pk for s in others]).count() != len(set(others)):
        raise ValidationError({"systems": ["No AI system with this id."]})
    if aware_at and aware_at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({"aware_at": ["Awareness cannot be in the future."]})
    return _create(
        actor=actor,
        system=system,
        other_systems=others,
        reason="Incident reported",
        owner=owner,
        title=title,
        description=description,
        detection_channel=detection_channel,
        category=category,
        severity=severity,
        aware_at=aware_at or timezone.now(),
        people_affected=people_affected,
        impact=impact,
        flagged_high_risk=flagged_high_risk,
    )


@transaction.atomic
def incident_update(*, actor, incident: Incident, data: dict[str, Any]) -> Incident:
    _require_change(actor, incident)
    unknown = set(data) - set(DETAIL_FIELDS)
    if unknown:
        raise BusinessRuleError(f"Unknown fields: {', '.join(sorted(unknown))}", code=Code.INVALID)
    aware_at = data.get("aware_at")
    if aware_at and aware_at > timezone.now() + FUTURE_TOLERANCE:
        raise ValidationError({"aware_at": ["Awareness cannot be in the future."]})
    changed = [f for f, v in data.items() if getattr(incident, f) != v]
    for field, value in data.items():
        setattr(incident, field, value)
    if not changed:
        return incident
    names = ", ".join(Incident._meta.get_field(f).verbose_name for f in changed)
    save_with_history(incident, actor=actor, reason=f"Details edited: {names}")
    _event(incident, actor, "edited", f"{names} edited by {actor}")
    if "aware_at" in changed and incident.serious_case:
        _set_deadline(incident, actor)
    return incident


@transaction.atomic
def incident_set_severity(*, actor, incident: Incident, severity: str, reason: str) -> Incident:
    """Change the severity; a raise escalates again (to approvers too for SEV1/SEV2)."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    _require_change(actor, incident)
    if severity not in Severity.values:
        raise ValidationError({"severity": [f"'{severity}' is not a valid severity."]})
    if not reason.strip():
        raise ValidationError({"reason": ["Say why the severity changes."]})
    if severity == incident.severity:
        raise TransitionNotAllowed("The incident already has this severity.", code=Code.UNCHANGED)
    if incident.status == Status.CLOSED:
        raise TransitionNotAllowed("Reopen a closed incident first.", code=Code.CLOSED)
    before = incident.get_severity_display()
    raised = SEVERITY_RANK[severity] < SEVERITY_RANK[incident.severity]
    incident.severity = severity
    verb = "raised" if raised else "lowered"
    save_with_history(incident, actor=actor, reason=f"Severity {verb}: {reason}")
    _event(
        incident,
        actor,
        "severity",
        f"Severity {verb} from {before} to {incident.get_severity_display()} by {actor}: {reason}",
    )
    if raised:
        _escalate(incident, f"severity raised from {before}")
    return incident


@dataclass(frozen=True)
class Transition:
    label: str
    sources: tuple[str, ...]
    target: str
    note_field: str = ""  # the incident field the action's note fills (required)


TRANSITIONS: dict[str, Transition] = {
    "triage": Transition("Acknowledge and triage", (Status.REPORTED,), Status.TRIAGED),
    "investigate": Transition(
        "Start investigating", (Status.REPORTED, Status.TRIAGED), Status.INVESTIGATING
    ),
    "contain": Transition(
        "Mark contained", (Status.TRIAGED, Status.INVESTIGATING), Status.CONTAINED, "containment"
    ),
    "resolve": Transition("Mark resolved", (Status.CONTAINED,), Status.RESOLVED, "root_cause"),
    "close": Transition("Close", (Status.RESOLVED,), Status.CLOSED, "lessons_learned"),
    "reopen": Transition(
        "Reopen", (Status.CONTAINED, Status.RESOLVED, Status.CLOSED), Status.INVESTIGATING
    ),
}
TIMESTAMPS = {
    Status.TRIAGED: "acknowledged_at",
    Status.INVESTIGATING: "acknowledged_at",
    Status.CONTAINED: "contained_at",
    Status.RESOLVED: "resolved_at",
    Status.CLOSED: "closed_at",
}


def close_blockers(incident: Incident) -> list[str]:
    blockers = []
    if incident.severity in NEEDS_CORRECTIVE_ACTION and not (
        capa_selectors.capas_of(source=incident).exists()
    ):
        blockers.append(
            f"A {incident.severity.upper()} incident needs at least one corrective action."
        )
    if incident.serious_case and not incident.report_submitted_at:
        blockers.append("The serious-incident report to the authority is not recorded yet.")
    return blockers


def available_transitions(*, actor, incident: Incident) -> list[tuple[str, Transition]]:
    if not can_change_incident(actor, incident):
        return []
    return [(n, t) for n, t in TRANSITIONS.items() if incident.status in t.sources]


@transaction.atomic
def incident_transition(*, actor, incident: Incident, action: str, note: str = "") -> Incident:
    """Move the incident along its workflow; refusals say why."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionNotAllowed(f"Unknown action '{action}'.", code=Code.UNKNOWN_ACTION)
    _require_change(actor, incident)
    if incident.status not in transition.sources:
        allowed = ", ".join(Status(s).label for s in transition.sources)
        raise TransitionNotAllowed(
            f"'{transition.label}' is not possible while the incident is "
            f"'{incident.get_status_display()}' (only from: {allowed}).",
            code=Code.TRANSITION_NOT_ALLOWED,
        )
    if action == "close":
        blockers = close_blockers(incident)
        if blockers:
            raise TransitionNotAllowed(
                "The incident cannot close yet: " + " ".join(blockers),
                code=Code.CLOSE_PREREQUISITES_MISSING,
                extra={"missing": blockers},
            )
    note = note.strip()
    if transition.note_field:
        if note:
            setattr(incident, transition.note_field, note)
        if not getattr(incident, transition.note_field).strip():
            label = Incident._meta.get_field(transition.note_field).verbose_name
            raise ValidationError({"note": [f"Describe the {label} first."]})
    if action == "reopen" and not note:
        raise ValidationError({"note": ["Say why the incident is reopened."]})
    now = timezone.now()
    if action == "reopen":
        incident.resolved_at = incident.closed_at = None
        if incident.status == Status.CONTAINED:
            incident.contained_at = None
    stamp_field = TIMESTAMPS.get(transition.target)
    if stamp_field and getattr(incident, stamp_field) is None:
        setattr(incident, stamp_field, now)
    incident.status = transition.target
    save_with_history(incident, actor=actor, reason=transition.label)
    message = f"{transition.label} by {actor}"
    _event(incident, actor, action, f"{message}: {note}" if note else message)
    return incident


@transaction.atomic
def incident_add_note(*, actor, incident: Incident, message: str) -> IncidentEvent:
    _require_change(actor, incident)
    if not message.strip():
        raise ValidationError({"message": ["Write something."]})
    return _event(incident, actor, "note", message.strip())


# --- Regulatory clock (EU AI Act Article 73) ------------------------------------------------


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


# --- Monitoring -----------------------------------------------------------------------------

METRIC_FIELDS = (
    "name",
    "unit",
    "direction",
    "warning_threshold",
    "breach_threshold",
    "expected_interval_minutes",
    "auto_incident_severity",
)


@transaction.atomic
def metric_save(*, actor, metric: Metric, data: dict[str, Any]) -> Metric:
    """Define or edit a metric of a system the actor may change."""
    action = "change" if metric.pk else "add"
    if not has_perm(actor, f"incidents.{action}_metric") or not can_change_record(actor, metric):
        raise RuleForbidden(
            "You may not define metrics of this system.", code=Code.PERMISSION_DENIED
        )
    unknown = set(data) - set(METRIC_FIELDS)
    if unknown:
        raise BusinessRuleError(f"Unknown fields: {', '.join(sorted(unknown))}", code=Code.INVALID)
    for field, value in data.items():
        setattr(metric, field, value)
    save_with_history(
        metric, actor=actor, reason="Metric defined" if action == "add" else "Metric edited"
    )
    return metric


@dataclass(frozen=True)
class IngestResult:
    received: int
    created: int
    alerts_opened: list[Alert]
    incidents_opened: list[Incident]

    @property
    def duplicates(self) -> int:
        return self.received - self.created


@transaction.atomic
def observations_ingest(
    *, actor, observations: list[tuple[Metric, datetime, float]]
) -> IngestResult:
    """Store measurements (idempotent on metric + timestamp) and evaluate each metric's newest.

    Observations are data points, not records: one INSERT ... ON CONFLICT DO NOTHING for the
    whole batch (bulk_create with ignore_conflicts) and no history. The batch is all or
    nothing: one bad item refuses it.
    """
    require(actor, "incidents.add_observation", message="You may not push observations.")
    metrics = {m.pk: m for m, _, _ in observations}
    systems = {m.system_id: m for m in metrics.values()}
    for metric in systems.values():
        if not can_change_record(actor, metric):
            raise RuleForbidden(
                f"You may not push observations for metric {metric.pk}.",
                code=Code.PERMISSION_DENIED,
            )
    limit = timezone.now() + FUTURE_TOLERANCE
    future = [i for i, (_, at, _) in enumerate(observations) if at > limit]
    if future:
        raise ValidationError(
            {"observed_at": [f"Timestamps in the future (items {future[:10]}) are refused."]}
        )
    if not observations:
        return IngestResult(0, 0, [], [])
    times = [at for _, at, _ in observations]
    window = Observation.objects.filter(
        metric_id__in=list(metrics), observed_at__gte=min(times), observed_at__lte=max(times)
    )
    before = window.count()
    Observation.objects.bulk_create(
        [Observation(metric=m, observed_at=at, value=float(v)) for m, at, v in observations],
        ignore_conflicts=True,
        batch_size=1000,
    )
    created = window.count() - before
    newest: dict[int, tuple[datetime, float]] = {}
    for metric, at, value in observations:
        if metric.pk not in newest or at > newest[metric.pk][0]:
            newest[metric.pk] = (at, float(value))
    alerts, incidents = [], []
    for pk, (at, value) in newest.items():
        metric = metrics[pk]
        if metric.last_observed_at and at <= metric.last_observed_at:
            continue  # a late or repeated point does not change the current state
        # An operational timestamp, not a change to the definition: no history row.
        Metric.objects.filter(pk=pk).update(last_observed_at=at)
        metric.last_observed_at = at
        opened, incident = _evaluate(actor=actor, metric=metric, value=value, at=at)
        alerts += opened
        if incident:
            incidents.append(incident)
    return IngestResult(len(observations), created, alerts, incidents)


def _open_alert(metric: Metric, kind: str, message: str, value=None) -> Alert | None:
    """Open an alert unless one of this kind is open; None if it already is (two pushes at
    once are settled by the one-open-alert constraint, not by a 500)."""
    if Alert.objects.filter(metric=metric, kind=kind, resolved_at__isnull=True).exists():
        return None
    try:
        with transaction.atomic():
            return Alert.objects.create(
                metric=metric, kind=kind, value=value, message=message[:300]
            )
    except IntegrityError:
        return None


def _resolve_alerts(metric: Metric, kinds: Iterable[str], now=None) -> int:
    return Alert.objects.filter(
        metric=metric, kind__in=list(kinds), resolved_at__isnull=True
    ).update(resolved_at=now or timezone.now())


def _evaluate(*, actor, metric: Metric, value: float, at: datetime):
    _resolve_alerts(metric, [Alert.Kind.STALE])
    level = metric.level(value)
    opened: list[Alert] = []
    incident = None
    label = f"{metric.system.reference} {metric.name}"
    if level != "breach":
        _resolve_alerts(metric, [Alert.Kind.BREACH])
    if level != "warning":
        _resolve_alerts(metric, [Alert.Kind.WARNING])
    if level == "warning":
        alert = _open_alert(metric, Alert.Kind.WARNING, f"{label} at warning: {value:g}", value)
        opened += [alert] if alert else []
    if level == "breach":
        alert = _open_alert(
            metric,
            Alert.Kind.BREACH,
            f"{label} breached {metric.breach_threshold:g}: {value:g} {metric.unit}".strip(),
            value,
        )
        if alert:
            opened.append(alert)
            notify(
                recipients=[metric.system.owner, *users_in_role(OFFICER)],
                title=f"Monitoring breach: {alert.message}",
                link=reverse("incidents:monitoring", args=[metric.system_id]),
            )
            if metric.auto_incident_severity:
                incident = _create(
                    actor=actor,
                    system=metric.system,
                    reason=f"Opened automatically by a breach of {metric.name}",
                    title=f"Breach of {metric.name} on {metric.system.name}"[:200],
                    description=f"{alert.message} at {at:%Y-%m-%d %H:%M %Z}. Opened by the "
                    f"monitoring rule of this metric.",
                    detection_channel=DetectionChannel.MONITORING,
                    category="other",
                    severity=metric.auto_incident_severity,
                    aware_at=timezone.now(),
                )
                alert.incident = incident
                alert.save(update_fields=["incident"])
    return opened, incident


def monitoring_check_staleness(*, now: datetime | None = None) -> list[Alert]:
    """Open a staleness alert on every metric silent for longer than its expected interval
    (once per silence; the next observation resolves it). Idempotent: safe to run often."""
    now = now or timezone.now()
    opened = []
    open_stale = Alert.objects.filter(kind=Alert.Kind.STALE, resolved_at__isnull=True).values(
        "metric_id"
    )
    candidates = Metric.objects.exclude(pk__in=open_stale).select_related("system__owner")
    for metric in candidates.iterator():
        last = metric.last_observed_at or metric.created_at
        if last + timedelta(minutes=metric.expected_interval_minutes) >= now:
            continue
        with transaction.atomic():
            alert = _open_alert(
                metric,
                Alert.Kind.STALE,
                f"{metric.system.reference} {metric.name}: no observation since "
                f"{timezone.localtime(last):%Y-%m-%d %H:%M}",
            )
            if alert:
                opened.append(alert)
                notify(
                    recipients=[metric.system.owner],
                    title=f"Monitoring silent: {alert.message}",
                    link=reverse("incidents:monitoring", args=[metric.system_id]),
                )
    return opened


def latest_observation_time(metric: Metric):
    return metric.observations.aggregate(top=Max("observed_at"))["top"]
