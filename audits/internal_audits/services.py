"""Writes of audit programmes, internal audits and their checklists (ISO/IEC 42001 9.2),
with their rules. Views, API and the demo call these; nothing else writes these records.

Rules kept here, once:

- independence: neither the lead auditor nor a team member may own an area the audit looks
  at (a control statement in scope, an AI system in scope, or a system linked to a control in
  scope); the refusal names the conflict;
- the checklist is generated from the controls in scope, one question per requirement, and
  regenerating adds what is missing without touching recorded results;
- an audit moves planned -> in progress -> reporting -> closed; it closes only when every
  checklist item is assessed, every nonconformity has a corrective action and the conclusion
  is written;
- findings and their corrective actions are written by :mod:`audits.internal_audits.findings`.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from aims.errors import BusinessRuleError, TransitionNotAllowed
from aims.history import save_with_history, stamp
from aims.models import CorrectiveAction
from aims.permissions import has_perm, require
from inventory.models import AISystem

from ..errors import Code
from ..models import (
    AuditProgramme,
    CatalogueItem,
    ChecklistItem,
    ControlStatement,
    Finding,
    InternalAudit,
)

User = get_user_model()
Status = InternalAudit.Status
Result = ChecklistItem.Result

PROGRAMME_FIELDS = ("title", "period_start", "period_end", "objectives", "method", "owner")
AUDIT_FIELDS = (
    "programme",
    "title",
    "scope",
    "criteria",
    "lead_auditor",
    "planned_start",
    "planned_end",
    "conclusion",
)
AUDIT_M2M = ("controls", "systems", "team")
FINDING_FIELDS = ("kind", "title", "description")
# Results of a checklist item that need a note saying what was seen.
NOTE_NEEDED = (Result.NONCONFORMING, Result.OBSERVATION, Result.NOT_APPLICABLE)
WORKING = (Status.IN_PROGRESS, Status.REPORTING)
CAPA_DONE = (CorrectiveAction.Status.VERIFIED, CorrectiveAction.Status.CLOSED)


def _person(user) -> str:
    return user.get_full_name() or user.get_username()


def audit_url(audit: InternalAudit) -> str:
    return reverse("internal_audits:audit_detail", args=[audit.pk])


def finding_url(finding: Finding) -> str:
    return reverse("internal_audits:finding_detail", args=[finding.pk])


def _unknown(data: dict, allowed: Iterable[str]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise BusinessRuleError(f"Unknown fields: {', '.join(sorted(unknown))}", code=Code.INVALID)


# --- Audit programmes -----------------------------------------------------------------------


@transaction.atomic
def programme_save(*, actor, programme: AuditProgramme, data: dict[str, Any]) -> AuditProgramme:
    """Create (unsaved ``programme``) or edit an audit programme."""
    creating = programme.pk is None
    require(
        actor,
        "audits.add_auditprogramme" if creating else "audits.change_auditprogramme",
        message="Only governance officers plan audit programmes.",
        code=Code.PERMISSION_DENIED,
    )
    _unknown(data, PROGRAMME_FIELDS)
    for field, value in data.items():
        setattr(programme, field, value)
    if programme.owner_id is None:
        programme.owner = actor
    start, end = programme.period_start, programme.period_end
    if start and end and end < start:
        raise ValidationError({"period_end": ["The period cannot end before it starts."]})
    if not creating:
        outside = programme.audits.exclude(
            planned_start__gte=programme.period_start, planned_end__lte=programme.period_end
        )
        if outside.exists():
            refs = ", ".join(a.reference for a in outside[:5])
            raise ValidationError(
                {"period_end": [f"Audits of this programme fall outside the new period: {refs}."]}
            )
    save_with_history(
        programme, actor=actor, reason="Audit programme planned" if creating else "Edited"
    )
    return programme


# --- Scope and independence -----------------------------------------------------------------


def items_in_scope(controls: Iterable[CatalogueItem]) -> list[CatalogueItem]:
    """The requirements an audit of ``controls`` covers: the chosen items that are not
    headings, plus every requirement under a chosen heading (one query per level)."""
    chosen = list(controls)
    found = {c.pk: c for c in chosen if not c.is_heading}
    parents = [c.pk for c in chosen if c.is_heading]
    depth = 0
    while parents and depth < 5:
        children = list(CatalogueItem.objects.filter(parent_id__in=parents))
        found.update({c.pk: c for c in children if not c.is_heading})
        parents = [c.pk for c in children if c.is_heading]
        depth += 1
    return sorted(found.values(), key=lambda c: c.sort_key)


def _statements(items: list[CatalogueItem]) -> dict[int, ControlStatement]:
    statements = (
        ControlStatement.objects.filter(item__in=[i.pk for i in items])
        .select_related("owner", "item")
        .prefetch_related("systems__owner")
    )
    return {s.item_id: s for s in statements}


def owned_areas(
    *, controls: Iterable[CatalogueItem], systems: Iterable[AISystem]
) -> dict[int, list[str]]:
    """{user id: what they own in this scope}, described for people."""
    owned: dict[int, list[str]] = {}

    def add(user_id: int | None, what: str) -> None:
        if user_id is not None and what not in owned.setdefault(user_id, []):
            owned[user_id].append(what)

    for statement in _statements(items_in_scope(controls)).values():
        code = statement.item.code
        add(statement.owner_id, f"control {code} {statement.item.title}")
        for system in statement.systems.all():
            add(system.owner_id, f"AI system {system.reference} {system.name} (under {code})")
    for system in systems:
        add(system.owner_id, f"AI system {system.reference} {system.name}")
    return owned


def independence_errors(
    *, lead, team: Iterable, controls: Iterable[CatalogueItem], systems: Iterable[AISystem]
) -> dict[str, list[str]]:
    """Field errors naming each auditor who would audit an area they own."""
    owned = owned_areas(controls=controls, systems=systems)
    errors: dict[str, list[str]] = {}

    def conflict(user, role: str) -> str:
        areas = owned[user.pk]
        listed = "; ".join(areas[:3]) + (f"; and {len(areas) - 3} more" if len(areas) > 3 else "")
        return (
            f"{_person(user)} cannot be {role}: they own {listed}. An auditor must not audit "
            "their own area; choose someone independent or narrow the scope."
        )

    if lead is not None and lead.pk in owned:
        errors["lead_auditor"] = [conflict(lead, "the lead auditor")]
    team_errors = [conflict(u, "on the audit team") for u in team if u.pk in owned]
    if team_errors:
        errors["team"] = team_errors
    return errors


# --- Internal audits ------------------------------------------------------------------------


def _check_dates(audit: InternalAudit) -> None:
    errors = {}
    if audit.planned_start and audit.planned_end and audit.planned_end < audit.planned_start:
        errors["planned_end"] = ["The audit cannot end before it starts."]
    programme = audit.programme
    dates = [d for d in (audit.planned_start, audit.planned_end) if d]
    if programme and any(not programme.period_start <= d <= programme.period_end for d in dates):
        errors.setdefault("planned_start", []).append(
            f"The programme '{programme.title}' runs from {programme.period_start:%d %b %Y} "
            f"to {programme.period_end:%d %b %Y}; plan the audit inside that period."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def audit_save(*, actor, audit: InternalAudit, data: dict[str, Any]) -> InternalAudit:
    """Plan (unsaved ``audit``) or edit an internal audit. ``data`` may carry the many-to-many
    ``controls``, ``systems`` and ``team``; the independence of the auditors is checked
    against the scope as it will be after the change."""
    creating = audit.pk is None
    require(
        actor,
        "audits.add_internalaudit" if creating else "audits.change_internalaudit",
        message="Only governance officers plan and edit internal audits.",
        code=Code.PERMISSION_DENIED,
    )
    _unknown(data, (*AUDIT_FIELDS, *AUDIT_M2M))
    if not creating:
        audit = InternalAudit.objects.select_for_update().get(pk=audit.pk)
        if audit.status == Status.CLOSED:
            raise TransitionNotAllowed(
                "A closed audit is a record of what was found: it is no longer edited.",
                code=Code.AUDIT_CLOSED,
            )
    data = dict(data)
    m2m = {name: list(data.pop(name)) for name in AUDIT_M2M if name in data}
    for field, value in data.items():
        setattr(audit, field, value)
    controls = m2m.get("controls", list(audit.controls.all()) if not creating else [])
    systems = m2m.get("systems", list(audit.systems.all()) if not creating else [])
    team = m2m.get("team", list(audit.team.all()) if not creating else [])
    lead = audit.lead_auditor if audit.lead_auditor_id else None
    errors = independence_errors(lead=lead, team=team, controls=controls, systems=systems)
    if lead is not None and lead in team:
        errors.setdefault("team", []).append(
            f"{_person(lead)} already leads the audit; the team lists the other auditors."
        )
    if errors:
        raise ValidationError(errors)
    _check_dates(audit)
    changed = ", ".join(sorted({*data, *m2m})) or "nothing"
    save_with_history(
        audit, actor=actor, reason="Internal audit planned" if creating else f"Edited: {changed}"
    )
    for name, values in m2m.items():
        getattr(audit, name).set(values)
    return audit


def question_for(item: CatalogueItem, statement: ControlStatement | None) -> str:
    """The auditor's question for one requirement (our own wording)."""
    if statement is not None and not statement.applicable:
        return (
            f"{item.code} {item.title} is excluded from the Statement of Applicability: check "
            "that the reason given still holds and is recorded."
        )
    label = "control" if item.kind == CatalogueItem.Kind.CONTROL else "requirement"
    return (
        f"{item.code} {item.title}: show how this {label} is carried out in practice, who is "
        "responsible, and the records that prove it."
    )


@dataclass(frozen=True)
class ChecklistChange:
    added: int
    removed: int
    kept: int


@transaction.atomic
def checklist_generate(*, actor, audit: InternalAudit) -> ChecklistChange:
    """Make one checklist item per requirement in scope. Safe to repeat: items already there
    keep their results; unassessed items whose control left the scope are removed."""
    require(
        actor,
        "audits.add_checklistitem",
        message="Only governance officers prepare checklists.",
        code=Code.PERMISSION_DENIED,
    )
    audit = InternalAudit.objects.select_for_update().get(pk=audit.pk)
    if audit.status not in (Status.PLANNED, Status.IN_PROGRESS):
        raise TransitionNotAllowed(
            f"The checklist is prepared before reporting; this audit is "
            f"'{audit.get_status_display()}'.",
            code=Code.CHECKLIST_FROZEN,
        )
    items = items_in_scope(audit.controls.all())
    if not items:
        raise TransitionNotAllowed(
            "No control or requirement is in scope: add controls to the audit first.",
            code=Code.NO_CONTROLS_IN_SCOPE,
        )
    statements = _statements(items)
    existing = {c.item_id: c for c in audit.checklist.all()}
    wanted = {i.pk for i in items}
    added = removed = 0
    for item in items:
        if item.pk in existing:
            continue
        checklist_item = ChecklistItem(
            audit=audit, item=item, question=question_for(item, statements.get(item.pk))
        )
        save_with_history(
            checklist_item, actor=actor, reason="Checklist generated from the audit scope"
        )
        added += 1
    for item_id, checklist_item in existing.items():
        if item_id not in wanted and checklist_item.result == Result.NOT_ASSESSED:
            stamp(checklist_item, actor=actor, reason="Control left the audit scope")
            checklist_item.delete()
            removed += 1
    return ChecklistChange(added=added, removed=removed, kept=len(existing) - removed)


def _item_owners(checklist_item: ChecklistItem) -> dict[int, str]:
    statement = ControlStatement.objects.filter(item_id=checklist_item.item_id).first()
    owners: dict[int, str] = {}
    if statement is None:
        return owners
    code = checklist_item.item.code
    if statement.owner_id:
        owners[statement.owner_id] = f"control {code}"
    for system in statement.systems.all():
        owners.setdefault(system.owner_id, f"AI system {system.reference} (under {code})")
    return owners


def auditors_of(audit: InternalAudit) -> list:
    """The lead auditor first, then the team."""
    return [audit.lead_auditor, *[u for u in audit.team.all() if u.pk != audit.lead_auditor_id]]


@transaction.atomic
def checklist_record(
    *,
    actor,
    checklist_item: ChecklistItem,
    result: str,
    notes: str = "",
    assessed_by=None,
) -> ChecklistItem:
    """Record what an auditor found on one checklist item. ``assessed_by`` is the auditor
    (the lead or a team member; by default the actor if on the team, else the lead), who
    must not own the area assessed; the history names who entered it."""
    require(
        actor,
        "audits.change_checklistitem",
        message="Only the audit team records results.",
        code=Code.PERMISSION_DENIED,
    )
    checklist_item = ChecklistItem.objects.select_related("audit__lead_auditor", "item").get(
        pk=checklist_item.pk
    )
    audit = checklist_item.audit
    if audit.status not in WORKING:
        hint = " Start the audit first." if audit.status == Status.PLANNED else ""
        raise TransitionNotAllowed(
            f"Results are recorded while the audit is in progress or reporting; "
            f"{audit.reference} is '{audit.get_status_display()}'.{hint}",
            code=Code.AUDIT_NOT_RUNNING,
        )
    if result not in Result.values:
        raise ValidationError({"result": [f"'{result}' is not a checklist result."]})
    notes = notes.strip()
    if result in NOTE_NEEDED and not notes:
        raise ValidationError({"notes": ["Say what was seen (the evidence or its absence)."]})
    auditors = auditors_of(audit)
    if assessed_by is None:
        assessed_by = actor if actor in auditors else audit.lead_auditor
    elif assessed_by not in auditors:
        raise ValidationError(
            {"assessed_by": [f"{_person(assessed_by)} is not on the audit team of "
                             f"{audit.reference}."]}
        )  # fmt: skip
    owned = _item_owners(checklist_item).get(assessed_by.pk)
    if owned and result != Result.NOT_ASSESSED:
        raise ValidationError(
            {"assessed_by": [f"{_person(assessed_by)} owns {owned}: an auditor cannot assess "
                             "their own area; someone independent must."]}
        )  # fmt: skip
    checklist_item.result = result
    checklist_item.notes = notes
    if result == Result.NOT_ASSESSED:
        checklist_item.assessed_by = None
        checklist_item.assessed_at = None
    else:
        checklist_item.assessed_by = assessed_by
        checklist_item.assessed_at = timezone.now()
    save_with_history(
        checklist_item,
        actor=actor,
        reason=f"{checklist_item.item.code}: {checklist_item.get_result_display()}"
        + (f" (assessed by {_person(assessed_by)})" if assessed_by != actor else ""),
    )
    return checklist_item


# --- Audit workflow -------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    label: str
    sources: tuple[str, ...]
    target: str


TRANSITIONS: dict[str, Transition] = {
    "start": Transition("Start fieldwork", (Status.PLANNED,), Status.IN_PROGRESS),
    "report": Transition("Move to reporting", (Status.IN_PROGRESS,), Status.REPORTING),
    "resume": Transition("Back to fieldwork", (Status.REPORTING,), Status.IN_PROGRESS),
    "close": Transition("Close the audit", (Status.REPORTING,), Status.CLOSED),
}


def nonconformities_without_capa(audit: InternalAudit) -> list[Finding]:
    findings = list(
        audit.findings.filter(kind__in=(Finding.Kind.MAJOR, Finding.Kind.MINOR)).order_by("id")
    )
    if not findings:
        return []
    with_capa = set(
        CorrectiveAction.objects.filter(
            source_type=ContentType.objects.get_for_model(Finding),
            source_id__in=[f.pk for f in findings],
        ).values_list("source_id", flat=True)
    )
    return [f for f in findings if f.pk not in with_capa]


def close_blockers(audit: InternalAudit, *, conclusion: str = "") -> list[str]:
    blockers = []
    unassessed = audit.checklist.filter(result=Result.NOT_ASSESSED).count()
    if unassessed:
        blockers.append(
            f"{unassessed} checklist item{'s are' if unassessed > 1 else ' is'} not assessed yet."
        )
    missing = nonconformities_without_capa(audit)
    if missing:
        refs = ", ".join(f.reference for f in missing)
        blockers.append(f"Nonconformities without a corrective action: {refs}.")
    if not (conclusion.strip() or audit.conclusion.strip()):
        blockers.append("Write the audit conclusion.")
    return blockers


def start_blockers(audit: InternalAudit) -> list[str]:
    if not audit.checklist.exists():
        return ["Generate the checklist from the controls in scope first."]
    return []


def available_transitions(*, actor, audit: InternalAudit) -> list[tuple[str, Transition]]:
    if not has_perm(actor, "audits.change_internalaudit"):
        return []
    return [(n, t) for n, t in TRANSITIONS.items() if audit.status in t.sources]


@transaction.atomic
def audit_transition(*, actor, audit: InternalAudit, action: str, note: str = "") -> InternalAudit:
    """Move the audit along; on close, ``note`` is the conclusion (if not written yet)."""
    require(
        actor,
        "audits.change_internalaudit",
        message="Only governance officers run audits.",
        code=Code.PERMISSION_DENIED,
    )
    audit = InternalAudit.objects.select_for_update().get(pk=audit.pk)
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionNotAllowed(f"Unknown action '{action}'.", code=Code.UNKNOWN_ACTION)
    if audit.status not in transition.sources:
        allowed = ", ".join(Status(s).label for s in transition.sources)
        raise TransitionNotAllowed(
            f"'{transition.label}' is not possible while the audit is "
            f"'{audit.get_status_display()}' (only from: {allowed}).",
            code=Code.TRANSITION_NOT_ALLOWED,
        )
    blockers = []
    if action == "start":
        blockers = start_blockers(audit)
    elif action == "close":
        blockers = close_blockers(audit, conclusion=note)
    if blockers:
        raise TransitionNotAllowed(
            f"{audit.reference} cannot {transition.label.lower()} yet: " + " ".join(blockers),
            code=Code.PREREQUISITES_MISSING,
            extra={"missing": blockers},
        )
    if action == "close":
        if note.strip():
            audit.conclusion = note.strip()
        audit.closed_at = timezone.now()
    audit.status = transition.target
    save_with_history(audit, actor=actor, reason=transition.label)
    return audit
