"""The internal risk tier of a system: derived from the confirmed EU AI Act class (see
.classifications for the questionnaire's workflow), the decision impact, the personal data
and the highest residual risk; the decision (with its reasons) is recorded and handed to the
inventory. An unconfirmed classification decides nothing: the tier stays unclassified and
says "classification pending", never minimal."""

from dataclasses import dataclass

from aims.history import save_with_history
from inventory import services as inventory_services
from inventory.models import AISystem, DecisionImpact, PersonalData, RiskTier

from ..models import LEVEL_RANK, Classification, EUClass, Level, Risk, TierDecision


@dataclass(frozen=True)
class TierOutcome:
    tier: str
    reasons: list[str]


TIER_RANK = {RiskTier.UNCLASSIFIED: 0, RiskTier.LOW: 1, RiskTier.MEDIUM: 2, RiskTier.HIGH: 3}


PENDING_REASON = (
    "Classification pending: the EU AI Act classification waits for a governance officer's "
    "confirmation."
)


def derive_tier(
    *,
    eu_class: str | None,
    decision_impact: str,
    personal_data: str,
    top_residual: str | None,
    pending: bool = False,
) -> TierOutcome:
    """The internal tier from the confirmed EU AI Act class, decision impact, personal data
    and the highest residual risk level; each input that raises the tier says so.
    ``pending``: the questionnaire was answered but no result is confirmed yet."""
    if eu_class in (None, "", EUClass.PENDING):
        if pending or eu_class == EUClass.PENDING:
            return TierOutcome(RiskTier.UNCLASSIFIED, [PENDING_REASON])
        return TierOutcome(RiskTier.UNCLASSIFIED, ["No EU AI Act classification recorded yet."])
    if eu_class == EUClass.PROHIBITED:
        return TierOutcome(
            RiskTier.PROHIBITED, ["EU AI Act: prohibited practice (Art. 5): no gate can pass."]
        )
    tier = RiskTier.LOW
    reasons = [f"EU AI Act class: {EUClass(eu_class).label}."]

    def raise_to(new: str, why: str) -> None:
        nonlocal tier
        reasons.append(why)
        if TIER_RANK[new] > TIER_RANK[tier]:
            tier = new

    if eu_class == EUClass.HIGH_RISK:
        raise_to(RiskTier.HIGH, "High-risk under the EU AI Act: tier high.")
    if decision_impact == DecisionImpact.DECIDES_ALONE:
        raise_to(RiskTier.HIGH, "Decides alone with legal or similarly significant effect: high.")
    elif decision_impact == DecisionImpact.DECIDES_WITH_REVIEW:
        raise_to(RiskTier.MEDIUM, "Makes decisions (with human review): at least medium.")
    if personal_data == PersonalData.SPECIAL:
        raise_to(RiskTier.MEDIUM, "Processes special category personal data: at least medium.")
    elif personal_data == PersonalData.PERSONAL and eu_class != EUClass.MINIMAL:
        raise_to(
            RiskTier.MEDIUM, "Processes personal data and is not minimal risk: at least medium."
        )
    if top_residual == Level.CRITICAL:
        raise_to(RiskTier.HIGH, "A residual risk is critical: high.")
    elif top_residual == Level.HIGH:
        raise_to(RiskTier.MEDIUM, "A residual risk is high: at least medium.")
    if len(reasons) == 1:
        reasons.append("Nothing raises it: tier low.")
    return TierOutcome(tier, reasons)


def top_residual_level(system: AISystem) -> str | None:
    levels = Risk.objects.filter(system=system).values_list("residual_level", flat=True)
    return max(levels, key=lambda lv: LEVEL_RANK[lv], default=None)


def tier_outcome_for(system: AISystem) -> TierOutcome:
    """The tier the system's confirmed classification and details call for now."""
    record = Classification.objects.filter(system=system).first()
    return derive_tier(
        eu_class=(record.confirmed_result or None) if record else None,
        decision_impact=system.decision_impact,
        personal_data=system.personal_data,
        top_residual=top_residual_level(system),
        pending=record is not None,
    )


def tier_recompute(*, actor, system: AISystem, cause: str = "") -> TierDecision:
    """Derive the tier again and record it (with its reasons) when it or its reasons change."""
    system = AISystem.objects.get(pk=system.pk)
    outcome = tier_outcome_for(system)
    decision = TierDecision.objects.filter(system=system).first()
    changed = (
        decision is None or decision.tier != outcome.tier or decision.reasons != (outcome.reasons)
    )
    if changed:
        decision = decision or TierDecision(system=system)
        decision.tier = outcome.tier
        decision.reasons = outcome.reasons
        decision.decided_by = actor
        why = f"Tier {RiskTier(outcome.tier).label}" + (f" ({cause})" if cause else "")
        save_with_history(decision, actor=actor, reason=why)
    if system.risk_tier != outcome.tier:
        inventory_services.system_set_risk_tier(
            actor=actor,
            system=system,
            tier=outcome.tier,
            reason=f"Risk tier {RiskTier(outcome.tier).label}: " + " ".join(outcome.reasons),
        )
    return decision
