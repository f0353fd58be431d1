"""The requirements matrix (what each tier needs before each gate) and the checks the risk
app registers with the inventory's gates: the checklist of a system's requirements, met or
missing, the blockers of an approval, and the number of approvals a tier asks for."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from aims.history import save_with_history
from aims.permissions import require
from aims.read_once import in_read_once
from inventory import services as inventory_services
from inventory.models import AISystem, Approval, RiskTier, ValidationRecord

from ..models import Classification, ImpactAssessment, Risk, RiskAssessment, TierRequirement
from ._common import _reject_unknown

REQUIREMENT_FLAGS = (
    "classification",
    "risk_assessment",
    "residual_within_appetite",
    "impact_assessment",
    "human_oversight_plan",
    "bias_validation",
    "accuracy_validation",
    "oversight_person",
    "independent_validation",
)
REQUIREMENT_FIELDS = (*REQUIREMENT_FLAGS, "min_approvals", "review_months")


@transaction.atomic
def tier_requirement_update(
    *, actor, requirement: TierRequirement, data: dict[str, Any], reason: str = ""
) -> TierRequirement:
    require(
        actor, "risk.change_tierrequirement", message="Only officers edit the requirements matrix."
    )
    _reject_unknown(data, REQUIREMENT_FIELDS)
    requirement = TierRequirement.objects.select_for_update().get(pk=requirement.pk)
    for key, value in data.items():
        setattr(requirement, key, value)
    save_with_history(
        requirement, actor=actor, reason=reason or f"Requirements for {requirement} edited"
    )
    return requirement


def requirement_for(tier: str, gate: str) -> TierRequirement | None:
    return TierRequirement.objects.filter(tier=tier, gate=gate).first()


@dataclass(frozen=True)
class Check:
    label: str
    met: bool
    missing: str  # what to do, when not met
    enforced: bool = True
    kind: str = "requirement"  # "approvals": counted by the gate itself, never a blocker here
    key: str = ""  # the requirement flag it checks (REQUIREMENT_FLAGS), for callers that ask


def _validation_passed(system: AISystem, test_type: str) -> bool:
    latest = (
        ValidationRecord.objects.filter(
            system=system, release_round=system.release_round, test_type=test_type
        )
        .order_by("-performed_on", "-id")
        .first()
    )
    return latest is not None and latest.result == ValidationRecord.Result.PASS


def _as_it_is_now(system: AISystem) -> AISystem:
    """The system with its tier and rounds as they are now: read again, as a service may hold
    a copy from before its own change; the one in hand during a read-only request (which
    changes nothing: the page loaded it), instead of a read per check."""
    return system if in_read_once() else AISystem.objects.get(pk=system.pk)


def checklist(system: AISystem, gate: str) -> list[Check]:
    """Every requirement of the system's tier before ``gate``, met or missing."""
    system = _as_it_is_now(system)
    if system.risk_tier == RiskTier.PROHIBITED:
        return [
            Check(
                "Not a prohibited practice",
                False,
                "The EU AI Act classification is 'prohibited' (Art. 5): no gate can be "
                "approved for this system.",
            )
        ]
    req = requirement_for(system.risk_tier, gate)
    if req is None:
        return []
    checks: list[Check] = []
    tier = system.get_risk_tier_display().lower()
    if req.classification:
        # Recorded means confirmed by a governance officer: answers waiting for confirmation
        # (or answered "not sure") decide nothing yet.
        record = Classification.objects.filter(system=system).first()
        done = bool(record and record.confirmed_result)
        checks.append(
            Check(
                "EU AI Act classification recorded",
                done,
                "An EU AI Act classification is missing (risk page, 'Classify')."
                if record is None
                else "Classification pending: a governance officer has not confirmed it yet.",
                key="classification",
            )
        )
    if req.risk_assessment:
        since = timezone.localdate() - timedelta(days=round(req.review_months * 30.44))
        current = RiskAssessment.objects.filter(system=system, assessed_on__gte=since).exists()
        checks.append(
            Check(
                f"Current risk assessment (within {req.review_months} months)",
                current,
                f"A current risk assessment is missing (none dated within "
                f"{req.review_months} months).",
                key="risk_assessment",
            )
        )
    if req.residual_within_appetite:
        pending = list(
            Risk.objects.filter(system=system, acceptance=Risk.Acceptance.PENDING).order_by("id")
        )
        checks.append(
            Check(
                "Residual risks within appetite or accepted",
                not pending,
                "Residual risks above appetite need an approver's acceptance: "
                + ", ".join(r.reference for r in pending)
                + ".",
            )
        )
    if req.impact_assessment:
        signed = ImpactAssessment.objects.filter(
            system=system, status=ImpactAssessment.Status.SIGNED_OFF
        ).exists()
        checks.append(
            Check(
                "Impact assessment signed off",
                signed,
                "A signed-off impact assessment is missing.",
                key="impact_assessment",
            )
        )
    if req.human_oversight_plan:
        plan = (
            ImpactAssessment.objects.filter(system=system)
            .exclude(human_oversight_measures="")
            .exists()
        )
        checks.append(
            Check(
                "Human oversight plan",
                plan,
                "A human oversight plan is missing (the impact assessment's human oversight "
                "measures).",
            )
        )
    for flag, test_type, name in (
        ("bias_validation", ValidationRecord.TestType.BIAS, "bias"),
        ("accuracy_validation", ValidationRecord.TestType.ACCURACY, "accuracy"),
    ):
        if getattr(req, flag):
            checks.append(
                Check(
                    f"{name.capitalize()} validation passed (this release round)",
                    _validation_passed(system, test_type),
                    f"A passing {name} validation for this release round is missing.",
                )
            )
    if req.oversight_person:
        gap = inventory_services.oversight_gap(system)
        checks.append(
            Check(
                "Named human-oversight person with in-date training",
                gap is None,
                gap or "",
                key="oversight_person",
            )
        )
    if req.independent_validation:
        gap = inventory_services.independent_review_gap(system)
        checks.append(
            Check(
                "Validation performed or reviewed by someone other than the owner",
                gap is None,
                gap or "",
            )
        )
    setting = inventory_services.required_approvals(gate)
    approvals = Approval.objects.filter(
        system=system, gate=gate, round=system.gate_round(gate), decision__in=Approval.APPROVING
    ).count()
    enforced = req.min_approvals <= setting or _inventory_asks_for_required_approvals()
    checks.append(
        Check(
            f"{req.min_approvals} approval(s) for the {tier} tier",
            approvals >= req.min_approvals,
            f"{req.min_approvals} approvals are needed; {approvals} so far.",
            enforced=enforced,
            kind="approvals",
        )
    )
    return checks


def _inventory_asks_for_required_approvals() -> bool:
    return hasattr(inventory_services, "register_required_approvals")


def gate_check(system: AISystem, gate: str) -> list[str]:
    """Registered with the inventory: what the tier still lacks before an approval at
    ``gate``. The approval count is not a blocker here (a check cannot refuse the first of
    two approvals); see required_approvals_for."""
    return [c.missing for c in checklist(system, gate) if not c.met and c.kind != "approvals"]


def required_approvals_for(system: AISystem, gate: str) -> int:
    """The approvals the system's tier needs at ``gate`` (for inventory's proposed
    register_required_approvals registry)."""
    req = requirement_for(_as_it_is_now(system).risk_tier, gate)
    return req.min_approvals if req else 1
