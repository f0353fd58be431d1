"""Incidents: reporting one on systems the actor can see (or opening one from a monitoring
breach), editing its details, changing its severity, moving it along its workflow (closing
needs its corrective actions and, when serious, the report to the authority) and adding
notes to its timeline."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from aims.capa import selectors as capa_selectors
from aims.errors import BusinessRuleError, RuleForbidden, TransitionNotAllowed
from aims.history import save_with_history
from aims.models import CorrectiveAction
from aims.permissions import has_perm, require
from inventory.models import AISystem
from inventory.selectors import restrict_systems

from .. import webhook_events
from ..errors import Code
from ..models import (
    NEEDS_CORRECTIVE_ACTION,
    SEVERITY_RANK,
    Incident,
    IncidentEvent,
    Severity,
    Status,
)
from ._common import FUTURE_TOLERANCE, _event, _require_change, can_change_incident
from .escalation import _escalate
from .regulatory import SERIOUS_PERMISSION, awareness_edit_refusal

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
    webhook_events.incident_created(incident)
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
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    aware_at = data.get("aware_at")
    if "aware_at" in data and aware_at != incident.aware_at:
        refusal = awareness_edit_refusal(incident)
        if refusal is not None:
            raise refusal
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
    return incident


def severity_change_refusal(user, incident: Incident, severity: str) -> BusinessRuleError | None:
    """Why ``user`` may not set ``incident`` to ``severity``, or None: lowering the severity
    of a serious incident (EU AI Act Art. 73) needs a governance officer. The rule behind
    the service, the choices the page offers and the API action."""
    if not can_change_incident(user, incident):
        return RuleForbidden("You may not change this incident.", code=Code.PERMISSION_DENIED)
    lowered = (
        severity in SEVERITY_RANK and SEVERITY_RANK[severity] > SEVERITY_RANK[incident.severity]
    )
    if lowered and incident.serious_case and not has_perm(user, SERIOUS_PERMISSION):
        return RuleForbidden(
            "This incident is serious: only a governance officer may lower its severity, "
            "with a reason.",
            code=Code.SEVERITY_LOCKED,
        )
    return None


def severity_choices(user, incident: Incident) -> list[tuple[str, str]]:
    """The severities ``user`` may choose for ``incident`` (its current one included)."""
    return [
        (value, label)
        for value, label in Severity.choices
        if value == incident.severity or severity_change_refusal(user, incident, value) is None
    ]


@transaction.atomic
def incident_set_severity(*, actor, incident: Incident, severity: str, reason: str) -> Incident:
    """Change the severity; a raise escalates again (to approvers too for SEV1/SEV2).
    Lowering a serious incident needs an officer (``severity_change_refusal``)."""
    incident = Incident.objects.select_for_update().get(pk=incident.pk)
    _require_change(actor, incident)
    if severity not in Severity.values:
        raise ValidationError({"severity": [f"'{severity}' is not a valid severity."]})
    refusal = severity_change_refusal(actor, incident, severity)
    if refusal is not None:
        raise refusal
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


CAPAStatus = CorrectiveAction.Status

# How far every corrective action of a severe incident must have gone before it closes: SEV2
# needs the actions implemented, SEV1 also needs their effectiveness verified.
CORRECTED = {
    "sev1": (CAPAStatus.VERIFIED, CAPAStatus.CLOSED),
    "sev2": (CAPAStatus.IMPLEMENTED, CAPAStatus.VERIFIED, CAPAStatus.CLOSED),
}


def close_blockers(incident: Incident) -> list[str]:
    """Why the incident may not close yet (empty: it may): the rule the service enforces and
    the pages show."""
    blockers = []
    capas = list(capa_selectors.capas_of(source=incident))
    if incident.severity in NEEDS_CORRECTIVE_ACTION and not capas:
        blockers.append(
            f"A {incident.severity.upper()} incident needs at least one corrective action."
        )
    done = CORRECTED.get(incident.severity)
    pending = [c for c in capas if done and c.status not in done]
    if pending:
        need = "verified effective" if incident.severity == "sev1" else "implemented"
        refs = ", ".join(c.reference for c in pending)
        blockers.append(
            f"Every corrective action of a {incident.severity.upper()} incident must be "
            f"{need} first ({refs} not yet)."
        )
    if incident.serious_case and not incident.report_submitted_at:
        if incident.initial_report_at:
            blockers.append("The complete serious-incident report is not recorded yet.")
        else:
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
