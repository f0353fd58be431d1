"""Conditions of approvals: an approver's "approve with conditions" becomes condition records,
each with an owner and a due date; the system's next gate waits while one is open; the
condition's owner marks it met (with a note, evidence optional) and a governance officer may
waive it (with a reason). Each rule is one predicate here, asked by the service, the pages
and the API alike."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from aims.errors import BusinessRuleError, RuleForbidden, TransitionNotAllowed
from aims.evidence.services import evidence_create
from aims.history import save_with_history
from aims.notifications.services import notify
from aims.permissions import has_perm

from ..errors import Code
from ..models import AISystem, Approval, ApprovalCondition, Gate
from ._common import Stage, system_url

MET = ApprovalCondition.Status.MET
WAIVED = ApprovalCondition.Status.WAIVED
OPEN = ApprovalCondition.Status.OPEN


class Blocker(str):
    """What a gate still lacks, in words a person can act on, with the code of the rule that
    asks for it (a plain string everywhere else)."""

    code: str

    def __new__(cls, text: str, code: str = Code.RELEASE_PREREQUISITES_MISSING):
        blocker = super().__new__(cls, text)
        blocker.code = str(code)
        return blocker


@dataclass(frozen=True)
class ConditionSpec:
    """One condition as the approver states it."""

    text: str
    due_on: date | None
    owner: object = None  # a user; the system's owner when not named


def parse_conditions(
    *,
    decision: str,
    conditions: str | Sequence[ConditionSpec | Mapping],
    due_on: date | None,
    owner,
) -> list[ConditionSpec]:
    """The conditions of a decision, checked: "approve with conditions" needs at least one,
    each with a text and a due date that is not past; other decisions carry none."""
    if isinstance(conditions, str):
        specs = [
            ConditionSpec(line.strip(), due_on, owner)
            for line in conditions.splitlines()
            if line.strip()
        ]
    else:
        specs = [
            c
            if isinstance(c, ConditionSpec)
            else ConditionSpec(
                (c.get("text") or "").strip(), c.get("due_on"), c.get("owner") or owner
            )
            for c in conditions or ()
        ]
        specs = [ConditionSpec(s.text.strip(), s.due_on, s.owner or owner) for s in specs]
    if decision != Approval.Decision.APPROVE_WITH_CONDITIONS:
        if specs:
            raise ValidationError(
                {"conditions": ["Conditions go with the decision 'Approve with conditions'."]}
            )
        return []
    if not specs:
        raise ValidationError({"conditions": ["State the conditions of the approval."]})
    if any(not s.text for s in specs):
        raise ValidationError({"conditions": ["Each condition needs its text."]})
    today = timezone.localdate()
    if any(s.due_on is None for s in specs):
        raise ValidationError(
            {"conditions_due_on": ["Give the date by which the conditions must be met."]}
        )
    if any(s.due_on < today for s in specs):
        raise ValidationError({"conditions_due_on": ["A due date cannot lie in the past."]})
    if any(s.owner is None or not s.owner.is_active for s in specs):
        raise ValidationError(
            {"conditions_owner": ["Each condition needs an active person to meet it."]}
        )
    return specs


@transaction.atomic  # each history row is sealed in the transaction that writes it
def conditions_create(*, actor, approval: Approval, specs: Sequence[ConditionSpec]) -> list:
    """Record the approval's conditions and tell each owner. Called by approval_decide."""
    created = []
    for spec in specs:
        condition = ApprovalCondition(
            system=approval.system,
            approval=approval,
            text=spec.text,
            owner=spec.owner,
            due_on=spec.due_on,
        )
        save_with_history(
            condition,
            actor=actor,
            reason=f"Condition of {approval.reference}, due {spec.due_on:%Y-%m-%d}",
        )
        created.append(condition)
    for owner in {c.owner for c in created}:
        mine = [c for c in created if c.owner == owner]
        notify(
            recipients=[owner],
            title=f"{approval.system.reference}: {len(mine)} condition(s) of "
            f"{approval.reference} to meet",
            body="\n".join(f"{c.reference} by {c.due_on:%Y-%m-%d}: {c.text}" for c in mine),
            link=system_url(approval.system),
        )
    return created


def blocking_conditions(system: AISystem, gate: str | None) -> list[ApprovalCondition]:
    """The open conditions of earlier decisions: those of the gate round now being decided
    belong to this decision, not to an earlier one, and do not block it."""
    open_ = ApprovalCondition.objects.filter(system=system, status=OPEN).select_related(
        "approval", "owner"
    )
    if gate is not None:
        open_ = open_.exclude(approval__gate=gate, approval__round=system.gate_round(gate))
    return list(open_.order_by("due_on", "id"))


def conditions_gap(system: AISystem, gate: str) -> list[Blocker]:
    """The gate waits while a condition of an earlier approval is open."""
    return [
        Blocker(
            f"Condition {c.reference} of {c.approval.reference} "
            f"({Gate(c.approval.gate).label.lower()}) is still open: '{c.text}' "
            f"(owner {c.owner.get_full_name() or c.owner.get_username()}, due "
            f"{c.due_on:%Y-%m-%d}). Its owner marks it met, or a governance officer waives it.",
            Code.CONDITIONS_OPEN,
        )
        for c in blocking_conditions(system, gate)
    ]


# --- Closing a condition --------------------------------------------------------------------


def condition_close_refusal(user, condition: ApprovalCondition, outcome: str):
    """Why ``user`` may not close ``condition`` as ``outcome`` ("met" or "waived"), or None.

    Met: by the condition's owner. Waived: by a governance officer who neither owns the
    condition nor the system. Only while open, and never on a closed system."""
    if outcome not in (MET, WAIVED):
        return BusinessRuleError(f"Unknown outcome '{outcome}'.", code=Code.UNKNOWN_ACTION)
    if outcome == MET and condition.owner_id != user.pk:
        return RuleForbidden(
            "Only the condition's owner marks it met.", code=Code.PERMISSION_DENIED
        )
    if outcome == WAIVED:
        if not has_perm(user, "inventory.waive_approvalcondition"):
            return RuleForbidden(
                "Only a governance officer can waive a condition.", code=Code.PERMISSION_DENIED
            )
        if user.pk in (condition.owner_id, condition.system.owner_id):
            return RuleForbidden(
                "You own this condition or its system: segregation of duties forbids waiving it.",
                code=Code.SEGREGATION_OF_DUTIES,
            )
    if condition.status != OPEN:
        return TransitionNotAllowed(
            f"{condition.reference} is already {condition.get_status_display().lower()}.",
            code=Code.ALREADY_CLOSED,
        )
    if condition.system.lifecycle_stage in (Stage.RETIRED, Stage.REJECTED):
        return TransitionNotAllowed(
            f"The system is {condition.system.get_lifecycle_stage_display().lower()}: its "
            "records are closed.",
            code=Code.SYSTEM_CLOSED,
        )
    return None


def can_close_condition(user, condition: ApprovalCondition, outcome: str) -> bool:
    return condition_close_refusal(user, condition, outcome) is None


@transaction.atomic
def condition_close(
    *,
    actor,
    condition: ApprovalCondition,
    outcome: str,
    note: str,
    evidence_file=None,
    evidence_url: str = "",
) -> ApprovalCondition:
    """Mark a condition met (its owner, with a note; evidence optional) or waive it (an
    officer, with the reason)."""
    condition = (
        ApprovalCondition.objects.select_for_update()
        .select_related("system", "approval")
        .get(pk=condition.pk)
    )
    refusal = condition_close_refusal(actor, condition, outcome)
    if refusal is not None:
        raise refusal
    note = (note or "").strip()
    if not note:
        field_message = (
            "Say how the condition was met." if outcome == MET else "Say why it is waived."
        )
        raise ValidationError({"note": [field_message]})
    condition.status = outcome
    condition.closed_by = actor
    condition.closed_at = timezone.now()
    condition.closing_note = note
    verb = "met" if outcome == MET else "waived"
    save_with_history(condition, actor=actor, reason=f"Condition {verb}: {note}"[:250])
    if evidence_file or evidence_url:
        evidence_create(
            actor=actor,
            target=condition,
            title=f"Evidence for {condition.reference}"[:200],
            file=evidence_file,
            url=evidence_url,
        )
    recipients = {condition.approval.approver, condition.system.owner, condition.owner} - {actor}
    notify(
        recipients=list(recipients),
        title=f"{condition.system.reference}: condition {condition.reference} {verb}",
        body=note,
        link=system_url(condition.system),
    )
    return condition


def condition_owner_choices():
    """People an approver may name as a condition's owner."""
    return get_user_model().objects.filter(is_active=True).order_by("username")
