"""Every write to the inventory, with its business rules. Views, API, tasks and commands call
these functions and nothing else writes inventory records."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from guardian.shortcuts import assign_perm, remove_perm

from aims.competence import services as competence_services
from aims.errors import BusinessRuleError, RuleForbidden, TransitionNotAllowed
from aims.evidence.services import evidence_create
from aims.history import save_with_history, stamp
from aims.notifications.services import notify, users_in_role
from aims.permissions import has_perm, require
from aims.roles import APPROVER, OFFICER

from .errors import Code
from .models import (
    AISystem,
    Approval,
    ChangeRequest,
    Component,
    Dataset,
    Gate,
    GateSetting,
    LifecycleStage,
    ValidationRecord,
)

Stage = LifecycleStage
OWNER_OBJECT_PERMS = ("inventory.view_aisystem", "inventory.change_aisystem")

INTAKE_FIELDS = (
    "name",
    "purpose",
    "expected_benefit",
    "business_unit",
    "deployment_type",
    "ai_technique",
    "decision_impact",
    "human_oversight",
    "intended_users",
    "affected_groups",
    "data_description",
    "personal_data",
    "user_facing",
    "used_in_eu",
    "known_risks",
)
EDITABLE_FIELDS = (
    *INTAKE_FIELDS,
    "review_cadence_months",
    "next_review_date",
    "in_aims_scope",
    "oversight_person",
)
# Not a field: an officer's reason for naming an oversight person who lacks the training a
# high-tier system requires (aims.competence.services). Forms and the API pass it in ``data``.
OVERSIGHT_EXCEPTION = "oversight_exception"


def _grant_owner(system: AISystem, user) -> None:
    for perm in OWNER_OBJECT_PERMS:
        assign_perm(perm, user, system)


def _revoke_owner(system: AISystem, user) -> None:
    for perm in OWNER_OBJECT_PERMS:
        remove_perm(perm, user, system)


def system_url(system: AISystem) -> str:
    return reverse("inventory:system_detail", args=[system.pk])


# --- AI systems -----------------------------------------------------------------------------


@transaction.atomic
def system_submit_intake(
    *,
    actor,
    data: dict[str, Any],
    owner=None,
    vendor: str = "",
    model_name: str = "",
) -> AISystem:
    """Register a use case: the system starts at "intake submitted" and officers are told.

    The actor owns it unless an officer names another owner.
    """
    require(actor, "inventory.add_aisystem", message="You may not submit intake forms.")
    if owner is not None and owner != actor:
        require(
            actor,
            "inventory.triage_aisystem",
            message="Only a governance officer can submit on behalf of another owner.",
        )
    unknown = set(data) - set(INTAKE_FIELDS)
    if unknown:
        raise BusinessRuleError(f"Unknown fields: {', '.join(sorted(unknown))}", code=Code.INVALID)
    system = AISystem(**data, owner=owner or actor, submitted_by=actor)
    save_with_history(system, actor=actor, reason="Use-case intake submitted")
    _grant_owner(system, system.owner)
    if vendor or model_name:
        component = Component(
            system=system,
            kind=Component.Kind.MODEL,
            name=model_name or f"{vendor} model",
            provider=vendor,
        )
        save_with_history(component, actor=actor, reason="Vendor and model named at intake")
    notify(
        recipients=users_in_role(OFFICER),
        title=f"New intake: {system.reference} {system.name}",
        body=f"{actor.get_full_name() or actor.username} submitted a use case for triage.",
        link=system_url(system),
    )
    return system


@transaction.atomic
def system_update(*, actor, system: AISystem, data: dict[str, Any], reason: str = "") -> AISystem:
    require(actor, "inventory.change_aisystem", system, "You may not edit this AI system.")
    # Re-read under lock: a stale copy must never write back an old stage or round.
    system = AISystem.objects.select_for_update().get(pk=system.pk)
    if system.lifecycle_stage in (Stage.RETIRED, Stage.REJECTED):
        raise TransitionNotAllowed(
            f"A {system.get_lifecycle_stage_display().lower()} system is kept as it was; it "
            "cannot be edited.",
            code=Code.SYSTEM_CLOSED,
        )
    data = dict(data)
    exception = (data.pop(OVERSIGHT_EXCEPTION, "") or "").strip()
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise BusinessRuleError(f"Unknown fields: {', '.join(sorted(unknown))}", code=Code.INVALID)
    person = data.get("oversight_person")
    oversight_changed = "oversight_person" in data and (
        getattr(person, "pk", None) != system.oversight_person_id
    )
    missing, granted = [], ""
    if oversight_changed:  # a high tier needs an oversight person with in-date training
        missing, granted = competence_services.oversight_check(
            actor=actor, person=person, risk_tier=system.risk_tier, exception_reason=exception
        )
    for field, value in data.items():
        setattr(system, field, value)
    reason = reason or "Details edited"
    if oversight_changed:
        reason += f"; oversight person: {person or 'none'}"
        if missing:
            reason += f" (training exception: {granted})"
    save_with_history(system, actor=actor, reason=reason)
    if oversight_changed:
        competence_services.oversight_record(
            actor=actor,
            person=person,
            system_reference=system.reference,
            missing=missing,
            exception=granted,
        )
    return system


@transaction.atomic
def system_set_owner(*, actor, system: AISystem, owner, reason: str = "") -> AISystem:
    """Hand a system to another owner; object permissions follow the owner."""
    require(
        actor, "inventory.triage_aisystem", message="Only a governance officer can change owners."
    )
    system = AISystem.objects.select_for_update().get(pk=system.pk)
    if owner == system.owner:
        return system
    previous = system.owner
    system.owner = owner
    save_with_history(
        system, actor=actor, reason=reason or f"Owner changed from {previous} to {owner}"
    )
    _revoke_owner(system, previous)
    _grant_owner(system, owner)
    notify(
        recipients=[owner],
        title=f"You now own {system.reference} {system.name}",
        link=system_url(system),
    )
    return system


@transaction.atomic
def system_set_risk_tier(*, actor, system: AISystem, tier: str, reason: str) -> AISystem:
    """Record the risk tier a classification decided. Only the risk app calls this: the tier
    is never edited by hand, so it always has a recorded, reasoned decision behind it."""
    system = AISystem.objects.select_for_update().get(pk=system.pk)
    if system.risk_tier == tier:
        return system
    previous = system.get_risk_tier_display()
    system.risk_tier = tier
    save_with_history(system, actor=actor, reason=reason or f"Risk tier {previous} -> {tier}")
    return system


@dataclass(frozen=True)
class Transition:
    label: str
    sources: tuple[str, ...]
    target: str
    permission: str  # checked on the system: global for officers, object-level for owners


TRANSITIONS: dict[str, Transition] = {
    "start_triage": Transition(
        "Start triage", (Stage.INTAKE_SUBMITTED,), Stage.IN_TRIAGE, "inventory.triage_aisystem"
    ),
    "resubmit": Transition(
        "Resubmit after changes",
        (Stage.CHANGES_REQUESTED,),
        "",  # back to the gate that asked for the changes
        "inventory.change_aisystem",
    ),
    "start_validation": Transition(
        "Start validation",
        (Stage.APPROVED_FOR_DEVELOPMENT,),
        Stage.IN_VALIDATION,
        "inventory.change_aisystem",
    ),
    "retire": Transition(
        "Retire",
        (Stage.APPROVED_FOR_DEVELOPMENT, Stage.IN_VALIDATION, Stage.DEPLOYED),
        Stage.RETIRED,
        "inventory.change_aisystem",
    ),
}


def available_transitions(*, actor, system: AISystem) -> list[tuple[str, Transition]]:
    return [
        (name, t)
        for name, t in TRANSITIONS.items()
        if system.lifecycle_stage in t.sources and has_perm(actor, t.permission, system)
    ]


@transaction.atomic
def system_transition(*, actor, system: AISystem, action: str, reason: str = "") -> AISystem:
    """Run one lifecycle action named in TRANSITIONS, or refuse with the reason."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise BusinessRuleError(f"Unknown action '{action}'.", code=Code.UNKNOWN_ACTION)
    system = AISystem.objects.select_for_update().get(pk=system.pk)
    require(
        actor, transition.permission, system, f"You may not '{transition.label}' on this system."
    )
    if system.lifecycle_stage not in transition.sources:
        allowed = ", ".join(Stage(s).label for s in transition.sources)
        raise TransitionNotAllowed(
            f"'{transition.label}' is not possible at stage "
            f"'{system.get_lifecycle_stage_display()}'; it needs: {allowed}.",
            code=Code.TRANSITION_NOT_ALLOWED,
        )
    target = transition.target
    if action == "resubmit":
        if system.returned_from_gate == Gate.RELEASE:
            target = Stage.IN_VALIDATION
            system.release_round += 1
        else:
            target = Stage.INTAKE_SUBMITTED
            system.intake_round += 1
        system.returned_from_gate = ""
    previous = system.get_lifecycle_stage_display()
    system.lifecycle_stage = target
    save_with_history(
        system,
        actor=actor,
        reason=reason
        or f"{transition.label}: {previous} -> {system.get_lifecycle_stage_display()}",
    )
    if action == "retire":
        _close_pending_changes(
            actor, system, ChangeRequest.Status.WITHDRAWN, "Withdrawn: system retired"
        )
    if action == "resubmit" and target == Stage.INTAKE_SUBMITTED:
        notify(
            recipients=users_in_role(OFFICER),
            title=f"Intake resubmitted: {system.reference} {system.name}",
            link=system_url(system),
        )
    return system


# --- Gates and approvals --------------------------------------------------------------------


# Checks that apps above the inventory add to the gates (the risk app: a prohibited system
# passes no gate; a tier's required controls must be in place). Each takes the system and the
# gate and returns what is missing, in words; registered in the app's AppConfig.ready().
GateCheck = Callable[[AISystem, str], list[str]]
_gate_checks: list[GateCheck] = []


def register_gate_check(check: GateCheck) -> None:
    if check not in _gate_checks:
        _gate_checks.append(check)


def gate_blockers(system: AISystem, gate: str) -> list[str]:
    """Everything that stops an approval at ``gate``: the inventory's own release rules and
    the checks registered by higher apps."""
    blockers = release_blockers(system) if gate == Gate.RELEASE else []
    for check in _gate_checks:
        blockers += check(system, gate)
    return blockers


# Higher apps may ask for more approvals than the gate setting (a high tier needs two).
ApprovalCount = Callable[[AISystem, str], int]
_approval_counts: list[ApprovalCount] = []


def register_required_approvals(count: ApprovalCount) -> None:
    if count not in _approval_counts:
        _approval_counts.append(count)


def required_approvals(gate: str, system: AISystem | None = None) -> int:
    setting = GateSetting.objects.filter(gate=gate).first()
    configured = setting.required_approvals if setting else 1
    if system is None:
        return configured
    return max([configured, *(count(system, gate) for count in _approval_counts)])


def release_blockers(system: AISystem) -> list[str]:
    """What the release gate still lacks, in words a system owner can act on."""
    records = list(
        ValidationRecord.objects.filter(system=system, release_round=system.release_round).order_by(
            "performed_on", "id"
        )
    )
    if not records:
        scope = " for this release round" if system.release_round > 1 else ""
        return [
            f"At least one validation record is needed{scope}: what was tested (accuracy, "
            "bias, safety/red-team, security or other), how, and the result."
        ]
    latest_by_type: dict[str, ValidationRecord] = {}
    for record in records:
        latest_by_type[record.test_type] = record
    missing = [
        f"The latest {r.get_test_type_display().lower()} test ({r.reference} '{r.title}') "
        "failed: record a passing re-test."
        for r in latest_by_type.values()
        if r.result == ValidationRecord.Result.FAIL
    ]
    return missing


def gate_decision_refusal(user, system: AISystem) -> BusinessRuleError | None:
    """Why ``user`` may not decide the open gate of ``system`` now, or None.

    The one rule behind the service, the Decide buttons and the decision form: approvers
    only, never on a system they own, only while a gate is open, once per round."""
    if not has_perm(user, "inventory.decide_gate"):
        return RuleForbidden("Only approvers can decide gates.", code=Code.PERMISSION_DENIED)
    if system.owner_id == user.pk:
        return RuleForbidden(
            "You own this system: segregation of duties forbids deciding its gates.",
            code=Code.SEGREGATION_OF_DUTIES,
        )
    gate = system.open_gate
    if gate is None:
        return TransitionNotAllowed(
            f"No gate is open at stage '{system.get_lifecycle_stage_display()}': the intake "
            "gate is decided 'In triage', the release gate 'In validation'.",
            code=Code.NO_OPEN_GATE,
        )
    decided = Approval.objects.filter(
        system=system, gate=gate, round=system.gate_round(gate), approver=user
    )
    if decided.exists():
        return TransitionNotAllowed(
            "You have already decided this round of the gate.", code=Code.ALREADY_DECIDED
        )
    return None


def can_decide_gate(user, system: AISystem) -> bool:
    return gate_decision_refusal(user, system) is None


def gate_progress(system: AISystem) -> dict | None:
    """The open gate, its round, how many approvals it needs (the tier may ask for more than
    the gate setting) and how many it has: what the gates tab shows."""
    gate = system.open_gate
    if gate is None:
        return None
    round_ = system.gate_round(gate)
    approvals = Approval.objects.filter(
        system=system, gate=gate, round=round_, decision__in=Approval.APPROVING
    ).count()
    return {
        "gate": gate,
        "round": round_,
        "required": required_approvals(gate, system),
        "approvals": approvals,
    }


@transaction.atomic
def approval_decide(
    *,
    actor,
    system: AISystem,
    decision: str,
    conditions: str = "",
    comment: str = "",
) -> Approval:
    """Record one approver's decision at the gate that is open, and move the system on when
    the gate has what it needs."""
    system = AISystem.objects.select_for_update().get(pk=system.pk)
    refusal = gate_decision_refusal(actor, system)
    if refusal is not None:
        raise refusal
    gate = system.open_gate
    round_ = system.gate_round(gate)
    if decision not in Approval.Decision.values:
        raise ValidationError({"decision": [f"'{decision}' is not a valid decision."]})
    if decision == Approval.Decision.APPROVE_WITH_CONDITIONS and not conditions.strip():
        raise ValidationError({"conditions": ["State the conditions of the approval."]})
    if decision in (Approval.Decision.REJECT, Approval.Decision.REQUEST_CHANGES) and not (
        comment.strip()
    ):
        raise ValidationError({"comment": ["Say why, so the owner knows what to change."]})
    if decision in Approval.APPROVING:
        blockers = gate_blockers(system, gate)
        if blockers:
            raise TransitionNotAllowed(
                f"The {Gate(gate).label.lower()} cannot be approved yet: " + " ".join(blockers),
                code=Code.RELEASE_PREREQUISITES_MISSING,
                extra={"missing": blockers},
            )
    approval = Approval(
        system=system,
        gate=gate,
        round=round_,
        approver=actor,
        decision=decision,
        conditions=conditions,
        comment=comment,
    )
    save_with_history(
        approval, actor=actor, reason=f"{Gate(gate).label}: {approval.get_decision_display()}"
    )
    _apply_gate_outcome(actor=actor, system=system, gate=gate, approval=approval)
    return approval


def _apply_gate_outcome(*, actor, system: AISystem, gate: str, approval: Approval) -> None:
    label = Gate(gate).label
    pending_changes = ChangeRequest.objects.filter(
        system=system, status=ChangeRequest.Status.IN_RELEASE_REVIEW
    )
    if (
        approval.decision == Approval.Decision.REJECT
        and gate == Gate.RELEASE
        and (pending_changes.exists())
    ):
        # The change is refused, not the system: the version in production stays deployed.
        _close_pending_changes(actor, system, ChangeRequest.Status.REJECTED, "Rejected at release")
        system.lifecycle_stage = Stage.DEPLOYED
        reason = f"{label}: change rejected by {actor}; the deployed version stays"
    elif approval.decision == Approval.Decision.REJECT:
        system.lifecycle_stage = Stage.REJECTED
        reason = f"{label} rejected by {actor}"
    elif approval.decision == Approval.Decision.REQUEST_CHANGES:
        system.lifecycle_stage = Stage.CHANGES_REQUESTED
        system.returned_from_gate = gate
        reason = f"{label}: changes requested by {actor}"
    else:
        approvals = Approval.objects.filter(
            system=system,
            gate=gate,
            round=approval.round,
            decision__in=Approval.APPROVING,
        ).count()
        if approvals < required_approvals(gate, system):
            return
        if gate == Gate.INTAKE:
            system.lifecycle_stage = Stage.APPROVED_FOR_DEVELOPMENT
        else:
            system.lifecycle_stage = Stage.DEPLOYED
            _close_pending_changes(
                actor, system, ChangeRequest.Status.RELEASED, "Released through the release gate"
            )
        reason = f"{label} passed ({approvals} approval(s))"
    save_with_history(system, actor=actor, reason=reason)
    notify(
        recipients=[system.owner],
        title=f"{system.reference}: {reason}",
        body=approval.comment or approval.conditions,
        link=system_url(system),
    )


def _close_pending_changes(actor, system: AISystem, status: str, reason: str) -> None:
    for change in ChangeRequest.objects.filter(
        system=system, status=ChangeRequest.Status.IN_RELEASE_REVIEW
    ):
        change.status = status
        save_with_history(change, actor=actor, reason=reason)


@transaction.atomic
def gate_setting_update(*, actor, gate: str, required_approvals: int) -> GateSetting:
    require(actor, "inventory.change_gatesetting", message="Only officers configure gates.")
    setting, _ = GateSetting.objects.get_or_create(gate=gate)
    setting.required_approvals = required_approvals
    save_with_history(
        setting, actor=actor, reason=f"Approvals required set to {required_approvals}"
    )
    return setting


# --- Records under a system -----------------------------------------------------------------


def _require_system_change(actor, system: AISystem, model_perm: str) -> None:
    system.refresh_from_db(fields=["lifecycle_stage", "release_round"])
    require(actor, model_perm)
    require(
        actor, "inventory.change_aisystem", system, "You may not change records of this system."
    )
    if system.lifecycle_stage in (Stage.RETIRED, Stage.REJECTED):
        raise TransitionNotAllowed(
            f"The system is {system.get_lifecycle_stage_display().lower()}: its records are "
            "closed.",
            code=Code.SYSTEM_CLOSED,
        )


@transaction.atomic
def child_save(*, actor, record, data: dict[str, Any], reason: str = ""):
    """Create or edit a component or dataset of a system."""
    meta = record._meta
    action = "change" if record.pk else "add"
    _require_system_change(actor, record.system, f"inventory.{action}_{meta.model_name}")
    for field, value in data.items():
        setattr(record, field, value)
    verb = "edited" if record.pk else "added"
    save_with_history(
        record, actor=actor, reason=reason or f"{meta.verbose_name.capitalize()} {verb}"
    )
    return record


@transaction.atomic
def child_delete(*, actor, record, reason: str = "") -> None:
    meta = record._meta
    _require_system_change(actor, record.system, f"inventory.delete_{meta.model_name}")
    stamp(record, actor=actor, reason=reason or f"{meta.verbose_name.capitalize()} removed")
    record.delete()


def component_save(*, actor, component: Component, data: dict[str, Any]) -> Component:
    return child_save(actor=actor, record=component, data=data)


def dataset_save(*, actor, dataset: Dataset, data: dict[str, Any]) -> Dataset:
    return child_save(actor=actor, record=dataset, data=data)


@transaction.atomic
def validation_record_create(
    *,
    actor,
    system: AISystem,
    test_type: str,
    title: str,
    method: str,
    result: str,
    performed_on: date,
    summary: str = "",
    evidence_file=None,
    evidence_url: str = "",
) -> ValidationRecord:
    _require_system_change(actor, system, "inventory.add_validationrecord")
    record = ValidationRecord(
        system=system,
        test_type=test_type,
        title=title,
        method=method,
        result=result,
        performed_on=performed_on,
        summary=summary,
        performed_by=actor,
        release_round=system.release_round,
    )
    save_with_history(record, actor=actor, reason="Validation recorded")
    if evidence_file or evidence_url:
        evidence_create(
            actor=actor,
            target=record,
            title=f"Evidence for {record.reference} {title}"[:200],
            file=evidence_file,
            url=evidence_url,
        )
    return record


@transaction.atomic
def change_request_create(
    *,
    actor,
    system: AISystem,
    kind: str,
    title: str,
    description: str,
    is_material: bool | None = None,
) -> ChangeRequest:
    """Record a change to a deployed system; a material one reopens the release gate."""
    system = AISystem.objects.select_for_update().get(pk=system.pk)
    _require_system_change(actor, system, "inventory.add_changerequest")
    if system.lifecycle_stage != Stage.DEPLOYED:
        raise TransitionNotAllowed(
            "Change requests are for deployed systems; this one is at stage "
            f"'{system.get_lifecycle_stage_display()}', so edit its records directly.",
            code=Code.NOT_DEPLOYED,
        )
    if is_material is None or kind in ChangeRequest.ALWAYS_MATERIAL:
        is_material = True  # when in doubt, a change goes back through the release gate
    change = ChangeRequest(
        system=system,
        kind=kind,
        title=title,
        description=description,
        is_material=is_material,
        requested_by=actor,
        status=(
            ChangeRequest.Status.IN_RELEASE_REVIEW if is_material else ChangeRequest.Status.RECORDED
        ),
    )
    save_with_history(change, actor=actor, reason="Change requested")
    if is_material:
        system.lifecycle_stage = Stage.IN_VALIDATION
        system.release_round += 1
        save_with_history(
            system, actor=actor, reason=f"Material change {change.reference}: back to release"
        )
        notify(
            recipients=users_in_role(APPROVER).exclude(pk=system.owner_id),
            title=f"Release gate reopened: {system.reference} {system.name}",
            body=f"Material change {change.reference}: {title}",
            link=system_url(system),
        )
    return change
