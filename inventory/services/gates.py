"""Gates and approvals: the registries through which higher apps add checks and approval
counts to the gates, the release gate's own rules, who may decide an open gate (an approver
with in-date approver training, or an officer's exception), recording an approver's decision
(with its conditions) and moving the system on when the gate has what it needs, and the gate
settings."""

from collections.abc import Callable, Sequence
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from aims.competence import services as competence_services
from aims.errors import BusinessRuleError, RuleForbidden, TransitionNotAllowed
from aims.history import save_with_history
from aims.notifications.services import notify
from aims.permissions import has_perm, require

from .. import webhook_events
from ..errors import Code
from ..models import AISystem, Approval, ChangeRequest, Gate, GateSetting, ValidationRecord
from ._common import Stage, _close_pending_changes, released_tier, system_url, tier_rose
from .conditions import Blocker, ConditionSpec, conditions_create, conditions_gap, parse_conditions

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
    blockers += conditions_gap(system, gate)
    for check in _gate_checks:
        blockers += check(system, gate)
    return blockers


def oversight_gap(system: AISystem) -> Blocker | None:
    """Why the system lacks assured human oversight (EU AI Act Art. 14 and 26(2)), or None:
    a named, active oversight person with in-date training for the 'human-oversight'
    responsibility, or an officer's exception still in force for this system. The risk app
    asks it where the tier's requirements name an oversight person."""
    person = system.oversight_person
    if person is None:
        return Blocker(
            "No human-oversight person is named: name the person who oversees the system in "
            "use (EU AI Act Art. 14 and 26(2)).",
            Code.OVERSIGHT_NOT_ASSURED,
        )
    who = person.get_full_name() or person.get_username()
    if not person.is_active:
        return Blocker(
            f"The oversight person {who} has left (account deactivated): name someone else.",
            Code.OVERSIGHT_NOT_ASSURED,
        )
    missing = competence_services.uncovered_training(
        person=person,
        key=competence_services.HUMAN_OVERSIGHT,
        scope_note=competence_services.oversight_scope(system.reference),
    )
    if missing:
        names = ", ".join(f"'{c.title}'" for c in missing)
        return Blocker(
            f"The oversight person {who} has no in-date training for {names}: record the "
            "training, name someone trained, or have a governance officer record an exception.",
            Code.OVERSIGHT_NOT_ASSURED,
        )
    return None


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


def approver_training_refusal(user) -> BusinessRuleError | None:
    """Why ``user`` may not decide gates for want of training, or None: the 'approver'
    responsibility's required courses, in date, unless an officer's exception on their
    approver assignment is still in force."""
    missing = competence_services.uncovered_training(person=user, key=competence_services.APPROVER)
    if not missing:
        return None
    names = ", ".join(f"'{c.title}'" for c in missing)
    return competence_services.TrainingMissing(
        f"You have no in-date training for {names}, which approvers need before deciding a "
        "gate. Record the training, or ask a governance officer to record an exception on "
        "your approver assignment.",
        code=Code.APPROVER_TRAINING_MISSING,
        extra={"missing": [c.title for c in missing]},
    )


def is_gate_approver(user) -> bool:
    """Approvers (the AI committee) decide gates; they alone open a system's decision case,
    even when a rule below keeps them from deciding this one."""
    return has_perm(user, "inventory.decide_gate")


def gate_decision_refusal(user, system: AISystem) -> BusinessRuleError | None:
    """Why ``user`` may not decide the open gate of ``system`` now, or None.

    The one rule behind the service, the Decide buttons and the decision form: approvers
    only, never on a system they own, only while a gate is open, with in-date approver
    training (or an officer's exception), once per round."""
    if not is_gate_approver(user):
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
    untrained = approver_training_refusal(user)
    if untrained is not None:
        return untrained
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
    conditions: str | Sequence[ConditionSpec | dict] = "",
    conditions_due_on: date | None = None,
    conditions_owner=None,
    comment: str = "",
) -> Approval:
    """Record one approver's decision at the gate that is open, and move the system on when
    the gate has what it needs.

    "Approve with conditions" creates one condition record per condition, each with an owner
    (the system's owner unless named) and a due date: ``conditions`` is either text, one
    condition a line, all due on ``conditions_due_on`` and owned by ``conditions_owner``, or a
    list of conditions each with its ``text``, ``due_on`` and optional ``owner``. The next
    gate of the system waits while one is open."""
    system = AISystem.objects.select_for_update().get(pk=system.pk)
    refusal = gate_decision_refusal(actor, system)
    if refusal is not None:
        raise refusal
    gate = system.open_gate
    round_ = system.gate_round(gate)
    if decision not in Approval.Decision.values:
        raise ValidationError({"decision": [f"'{decision}' is not a valid decision."]})
    specs = parse_conditions(
        decision=decision,
        conditions=conditions,
        due_on=conditions_due_on,
        owner=conditions_owner or system.owner,
    )
    if decision in (Approval.Decision.REJECT, Approval.Decision.REQUEST_CHANGES) and not (
        comment.strip()
    ):
        raise ValidationError({"comment": ["Say why, so the owner knows what to change."]})
    if decision in Approval.APPROVING:
        blockers = gate_blockers(system, gate)
        if blockers:
            reasons = sorted(
                {getattr(b, "code", Code.RELEASE_PREREQUISITES_MISSING) for b in blockers}
            )
            raise TransitionNotAllowed(
                f"The {Gate(gate).label.lower()} cannot be approved yet: " + " ".join(blockers),
                code=Code.RELEASE_PREREQUISITES_MISSING,
                extra={"missing": [str(b) for b in blockers], "reasons": [str(r) for r in reasons]},
            )
    approval = Approval(
        system=system,
        gate=gate,
        round=round_,
        approver=actor,
        decision=decision,
        conditions="\n".join(spec.text for spec in specs),
        comment=comment,
    )
    save_with_history(
        approval, actor=actor, reason=f"{Gate(gate).label}: {approval.get_decision_display()}"
    )
    conditions_create(actor=actor, approval=approval, specs=specs)
    _apply_gate_outcome(actor=actor, system=system, gate=gate, approval=approval)
    return approval


def _apply_gate_outcome(*, actor, system: AISystem, gate: str, approval: Approval) -> None:
    webhook_events.gate_decided(system, approval)
    previous_stage = system.lifecycle_stage
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
        if tier_rose(released_tier(system) or system.risk_tier, system.risk_tier):
            # A tier rise reopened the gate as well: the version in production has not yet
            # passed it under the new tier, so it stays in validation, in a new round. (If
            # putting the change back lowers the tier again, system_set_risk_tier returns
            # the system to deployed.)
            system.release_round += 1
            reason = (
                f"{label}: change rejected by {actor}; the deployed version still has to pass "
                "the release gate under its new tier"
            )
        else:
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
    webhook_events.stage_changed(system, previous_stage)
    notify(
        recipients=[system.owner],
        title=f"{system.reference}: {reason}",
        body=approval.comment or approval.conditions,
        link=system_url(system),
    )


@transaction.atomic
def gate_setting_update(*, actor, gate: str, required_approvals: int) -> GateSetting:
    require(actor, "inventory.change_gatesetting", message="Only officers configure gates.")
    setting, _ = GateSetting.objects.get_or_create(gate=gate)
    setting.required_approvals = required_approvals
    save_with_history(
        setting, actor=actor, reason=f"Approvals required set to {required_approvals}"
    )
    return setting
