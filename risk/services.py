"""Every write of the risk app, with its rules. Views, the API and commands call these."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from aims.errors import BusinessRuleError, RuleForbidden, TransitionNotAllowed
from aims.history import save_with_history
from aims.permissions import require
from inventory import services as inventory_services
from inventory.models import (
    AISystem,
    Approval,
    DecisionImpact,
    LifecycleStage,
    PersonalData,
    RiskTier,
    ValidationRecord,
)

from . import classification as questionnaire
from .errors import Code
from .models import (
    LEVEL_RANK,
    Classification,
    EUClass,
    ImpactAssessment,
    Level,
    Methodology,
    Risk,
    RiskAssessment,
    TierDecision,
    TierRequirement,
    TreatmentAction,
)

CLOSED = (LifecycleStage.RETIRED, LifecycleStage.REJECTED)


def _require_system_write(actor, system: AISystem, perm: str) -> AISystem:
    """The model permission through a role, and the right to change this system (owners on
    their own systems); closed systems keep their records as they were."""
    require(actor, perm)
    require(actor, "inventory.change_aisystem", system, "You may not change this system's risks.")
    system = AISystem.objects.get(pk=system.pk)
    if system.lifecycle_stage in CLOSED:
        raise TransitionNotAllowed(
            f"The system is {system.get_lifecycle_stage_display().lower()}: its records are "
            "closed.",
            code=Code.SYSTEM_CLOSED,
        )
    return system


def _reject_unknown(data: dict, allowed: tuple[str, ...]) -> None:
    unknown = set(data) - set(allowed)
    if unknown:
        raise ValidationError({key: ["Unknown field."] for key in sorted(unknown)})


# --- Methodology ----------------------------------------------------------------------------


def methodology_current() -> Methodology:
    current = Methodology.objects.order_by("-id").first()
    if current is None:
        current = Methodology.objects.create()
    return current


def _check_scale(name: str, scale: Any, errors: dict) -> list[dict]:
    if not isinstance(scale, list) or not 2 <= len(scale) <= 10:
        errors[name] = ["Give between 2 and 10 steps."]
        return []
    clean = []
    for index, step in enumerate(scale, start=1):
        if not isinstance(step, dict) or not str(step.get("label", "")).strip():
            errors[name] = [f"Step {index} needs a label."]
            return []
        clean.append(
            {
                "value": index,
                "label": str(step["label"]).strip()[:60],
                "description": str(step.get("description", "")).strip()[:300],
            }
        )
    return clean


METHODOLOGY_FIELDS = ("name", "likelihood_scale", "impact_scale", "thresholds", "appetite")


@transaction.atomic
def methodology_update(*, actor, data: dict[str, Any], reason: str = "") -> Methodology:
    """Change the methodology: a new version in the history. Risks keep the scores and levels
    they were given; they are re-scored only when they are edited."""
    require(actor, "risk.change_methodology", message="Only officers change the methodology.")
    _reject_unknown(data, METHODOLOGY_FIELDS)
    methodology = Methodology.objects.select_for_update().get(pk=methodology_current().pk)
    errors: dict[str, list[str]] = {}
    if "likelihood_scale" in data:
        methodology.likelihood_scale = _check_scale(
            "likelihood_scale", data["likelihood_scale"], errors
        )
    if "impact_scale" in data:
        methodology.impact_scale = _check_scale("impact_scale", data["impact_scale"], errors)
    if "thresholds" in data:
        t = data["thresholds"]
        try:
            values = [int(t[k]) for k in ("low", "medium", "high")]
        except (KeyError, TypeError, ValueError):
            errors["thresholds"] = ["Give whole numbers for low, medium and high."]
        else:
            if not 1 <= values[0] < values[1] < values[2]:
                errors["thresholds"] = ["Need 1 <= low < medium < high."]
            methodology.thresholds = dict(zip(("low", "medium", "high"), values, strict=True))
    for key in ("name", "appetite"):
        if key in data:
            setattr(methodology, key, data[key])
    if not errors and methodology.thresholds["high"] >= (
        methodology.likelihood_max * methodology.impact_max
    ):
        errors["thresholds"] = ["'High' must end below the top score, or nothing is critical."]
    if errors:
        raise ValidationError(errors)
    methodology.version += 1
    save_with_history(
        methodology, actor=actor, reason=reason or f"Methodology v{methodology.version}"
    )
    return methodology


# --- Classification and tier ----------------------------------------------------------------


@transaction.atomic
def classification_save(
    *, actor, system: AISystem, answers: dict, role: str, notes: str = ""
) -> Classification:
    """Record the questionnaire's answers and the result; recompute the system's tier."""
    system = _require_system_write(actor, system, "risk.add_classification")
    require(
        actor, "risk.change_classification", message="Only governance officers classify systems."
    )
    clean, errors = questionnaire.normalise(answers if isinstance(answers, dict) else {})
    if not isinstance(answers, dict):
        errors["answers"] = ["Give the answers as an object."]
    if role not in dict(questionnaire.ROLES):
        errors["role"] = [f"'{role}' is not a valid role: provider or deployer."]
    if errors:
        raise ValidationError(errors)
    outcome = questionnaire.classify(clean, role)
    record = Classification.objects.filter(system=system).first() or Classification(system=system)
    verb = "Reclassified" if record.pk else "Classified"
    record.answers = clean
    record.role = role
    record.notes = notes
    record.result = outcome.result
    record.route = outcome.route
    record.reasoning = outcome.reasoning
    record.obligations = outcome.obligations
    record.fria_required = outcome.fria_required
    record.classified_by = actor
    save_with_history(record, actor=actor, reason=f"{verb}: {record.get_result_display()}")
    tier_recompute(actor=actor, system=system, cause="classification saved")
    record.system.refresh_from_db()
    return record


@dataclass(frozen=True)
class TierOutcome:
    tier: str
    reasons: list[str]


TIER_RANK = {RiskTier.UNCLASSIFIED: 0, RiskTier.LOW: 1, RiskTier.MEDIUM: 2, RiskTier.HIGH: 3}


def derive_tier(
    *, eu_class: str | None, decision_impact: str, personal_data: str, top_residual: str | None
) -> TierOutcome:
    """The internal tier from the EU AI Act class, decision impact, personal data and the
    highest residual risk level; each input that raises the tier says so."""
    if eu_class is None:
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


def tier_recompute(*, actor, system: AISystem, cause: str = "") -> TierDecision:
    """Derive the tier again and record it (with its reasons) when it or its reasons change."""
    system = AISystem.objects.get(pk=system.pk)
    record = Classification.objects.filter(system=system).first()
    outcome = derive_tier(
        eu_class=record.result if record else None,
        decision_impact=system.decision_impact,
        personal_data=system.personal_data,
        top_residual=top_residual_level(system),
    )
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


# --- Requirements matrix and gate checks ----------------------------------------------------

REQUIREMENT_FLAGS = (
    "classification",
    "risk_assessment",
    "residual_within_appetite",
    "impact_assessment",
    "human_oversight_plan",
    "bias_validation",
    "accuracy_validation",
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


def _validation_passed(system: AISystem, test_type: str) -> bool:
    latest = (
        ValidationRecord.objects.filter(
            system=system, release_round=system.release_round, test_type=test_type
        )
        .order_by("-performed_on", "-id")
        .first()
    )
    return latest is not None and latest.result == ValidationRecord.Result.PASS


def checklist(system: AISystem, gate: str) -> list[Check]:
    """Every requirement of the system's tier before ``gate``, met or missing."""
    system = AISystem.objects.get(pk=system.pk)  # the tier and rounds as they are now
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
        done = Classification.objects.filter(system=system).exists()
        checks.append(
            Check(
                "EU AI Act classification recorded",
                done,
                "An EU AI Act classification is missing (risk page, 'Classify').",
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
    tier = AISystem.objects.filter(pk=system.pk).values_list("risk_tier", flat=True).first()
    req = requirement_for(tier, gate)
    return req.min_approvals if req else 1


# --- Risk assessments -----------------------------------------------------------------------

ASSESSMENT_FIELDS = (
    "title",
    "assessed_on",
    "assessor",
    "scope",
    "method",
    "participants",
    "conclusion",
)


@transaction.atomic
def assessment_save(
    *, actor, assessment: RiskAssessment, data: dict[str, Any], reason: str = ""
) -> RiskAssessment:
    action = "change" if assessment.pk else "add"
    _require_system_write(actor, assessment.system, f"risk.{action}_riskassessment")
    _reject_unknown(data, ASSESSMENT_FIELDS)
    for key, value in data.items():
        setattr(assessment, key, value)
    if assessment.assessor_id is None:
        assessment.assessor = actor
    if not assessment.pk:
        assessment.methodology_version = methodology_current().version
    verb = "edited" if assessment.pk else "recorded"
    save_with_history(assessment, actor=actor, reason=reason or f"Risk assessment {verb}")
    return assessment


# --- Risks ----------------------------------------------------------------------------------

RISK_FIELDS = (
    "assessment",
    "title",
    "description",
    "category",
    "risk_source",
    "inherent_likelihood",
    "inherent_impact",
    "treatment",
    "residual_likelihood",
    "residual_impact",
    "owner",
    "review_date",
)
SCORE_FIELDS = ("inherent_likelihood", "inherent_impact", "residual_likelihood", "residual_impact")


def _score(risk: Risk, methodology: Methodology) -> None:
    errors: dict[str, list[str]] = {}
    for key in SCORE_FIELDS:
        top = methodology.likelihood_max if "likelihood" in key else methodology.impact_max
        value = getattr(risk, key)
        if not isinstance(value, int) or not 1 <= value <= top:
            errors[key] = [f"Give a whole number from 1 to {top}."]
    if errors:
        raise ValidationError(errors)
    risk.inherent_score = risk.inherent_likelihood * risk.inherent_impact
    risk.residual_score = risk.residual_likelihood * risk.residual_impact
    if risk.residual_score > risk.inherent_score:
        raise ValidationError(
            {"residual_impact": ["The residual score cannot exceed the inherent score."]}
        )
    risk.inherent_level = methodology.level_for(risk.inherent_score)
    risk.residual_level = methodology.level_for(risk.residual_score)
    risk.methodology_version = methodology.version
    risk.appetite = methodology.appetite


@transaction.atomic
def risk_save(*, actor, risk: Risk, data: dict[str, Any], reason: str = "") -> Risk:
    """Create or edit a risk: scores and levels come from the current methodology and are
    stored on the risk. A residual level above appetite needs an approver's acceptance
    again whenever the scores change."""
    action = "change" if risk.pk else "add"
    system = _require_system_write(actor, risk.system, f"risk.{action}_risk")
    _reject_unknown(data, RISK_FIELDS)
    previous = (risk.residual_likelihood, risk.residual_impact) if risk.pk else None
    for key, value in data.items():
        setattr(risk, key, value)
    if risk.owner_id is None:
        risk.owner = system.owner
    if risk.assessment_id and risk.assessment.system_id != system.pk:
        raise ValidationError({"assessment": ["That assessment belongs to another system."]})
    _score(risk, methodology_current())
    residual_changed = previous != (risk.residual_likelihood, risk.residual_impact)
    above = LEVEL_RANK[risk.residual_level] > LEVEL_RANK[risk.appetite]
    if not above:
        risk.acceptance = Risk.Acceptance.NOT_NEEDED
    elif risk.acceptance != Risk.Acceptance.ACCEPTED or residual_changed:
        risk.acceptance = Risk.Acceptance.PENDING
        risk.accepted_by = None
        risk.accepted_at = None
        risk.acceptance_justification = ""
    verb = "edited" if risk.pk else "registered"
    save_with_history(risk, actor=actor, reason=reason or f"Risk {verb}")
    tier_recompute(actor=actor, system=system, cause=f"{risk.reference} {verb}")
    return risk


@transaction.atomic
def risk_accept(*, actor, risk: Risk, justification: str) -> Risk:
    """An approver who owns neither the risk nor the system accepts a residual risk above
    appetite, with a recorded justification."""
    require(actor, "risk.accept_risk", message="Only approvers accept residual risks.")
    risk = Risk.objects.select_for_update().select_related("system").get(pk=risk.pk)
    if risk.owner_id == actor.pk or risk.system.owner_id == actor.pk:
        raise RuleForbidden(
            "You own this risk or its system: segregation of duties forbids accepting it.",
            code=Code.SEGREGATION_OF_DUTIES,
        )
    if risk.acceptance != Risk.Acceptance.PENDING:
        raise TransitionNotAllowed(
            f"{risk.reference} needs no acceptance: {risk.get_acceptance_display().lower()}.",
            code=Code.ACCEPTANCE_NOT_NEEDED,
        )
    if not (justification or "").strip():
        raise ValidationError({"justification": ["Say why the residual risk is acceptable."]})
    risk.acceptance = Risk.Acceptance.ACCEPTED
    risk.accepted_by = actor
    risk.accepted_at = timezone.now()
    risk.acceptance_justification = justification.strip()
    save_with_history(risk, actor=actor, reason=f"Residual risk accepted above appetite by {actor}")
    return risk


ACTION_FIELDS = ("title", "owner", "due_date", "status", "notes")


@transaction.atomic
def action_save(
    *, actor, action: TreatmentAction, data: dict[str, Any], reason: str = ""
) -> TreatmentAction:
    verb = "change" if action.pk else "add"
    _require_system_write(actor, action.risk.system, f"risk.{verb}_treatmentaction")
    _reject_unknown(data, ACTION_FIELDS)
    for key, value in data.items():
        setattr(action, key, value)
    if action.owner_id is None:
        action.owner = action.risk.owner
    word = "edited" if action.pk else "planned"
    save_with_history(action, actor=actor, reason=reason or f"Treatment action {word}")
    return action


# --- Impact assessments ---------------------------------------------------------------------

IMPACT_FIELDS = (
    "title",
    "affected_individuals",
    "affected_groups",
    "societal_impacts",
    "intended_use",
    "foreseeable_misuse",
    "harms",
    "benefits",
    "mitigations",
    "human_oversight_measures",
    "conclusion",
    *ImpactAssessment.FRIA_FIELDS,
)
REVERSIBILITY = ("reversible", "partly_reversible", "irreversible")


def clean_harms(harms: Any) -> list[dict]:
    if not isinstance(harms, list):
        raise ValidationError({"harms": ["Give a list of harms."]})
    clean = []
    for index, harm in enumerate(harms, start=1):
        problems = []
        if not isinstance(harm, dict) or not str(harm.get("description", "")).strip():
            raise ValidationError({"harms": [f"Harm {index}: describe it."]})
        for key in ("severity", "likelihood"):
            value = harm.get(key)
            if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 5:
                problems.append(f"Harm {index}: {key} must be a whole number from 1 to 5.")
        if harm.get("reversibility") not in REVERSIBILITY:
            problems.append(
                f"Harm {index}: reversibility must be one of {', '.join(REVERSIBILITY)}."
            )
        if problems:
            raise ValidationError({"harms": problems})
        clean.append(
            {
                "description": str(harm["description"]).strip(),
                "severity": harm["severity"],
                "likelihood": harm["likelihood"],
                "reversibility": harm["reversibility"],
            }
        )
    return clean


@transaction.atomic
def impact_save(
    *, actor, impact: ImpactAssessment, data: dict[str, Any], reason: str = ""
) -> ImpactAssessment:
    """Create or edit an impact assessment; editing a signed-off one sends it back to draft."""
    action = "change" if impact.pk else "add"
    system = _require_system_write(actor, impact.system, f"risk.{action}_impactassessment")
    _reject_unknown(data, IMPACT_FIELDS)
    if "harms" in data:
        data = {**data, "harms": clean_harms(data["harms"])}
    for key, value in data.items():
        setattr(impact, key, value)
    classification = Classification.objects.filter(system=system).first()
    if classification and classification.fria_required:
        missing = [f for f in ImpactAssessment.FRIA_FIELDS if not getattr(impact, f).strip()]
        if missing:
            raise ValidationError(
                {f: ["Required: the classification calls for a FRIA (Art. 27)."] for f in missing}
            )
    word = "edited" if impact.pk else "drafted"
    if impact.status == ImpactAssessment.Status.SIGNED_OFF:
        impact.status = ImpactAssessment.Status.DRAFT
        impact.signed_off_by = None
        impact.signed_off_at = None
        impact.sign_off_comment = ""
        word = "edited after sign-off: back to draft"
    save_with_history(impact, actor=actor, reason=reason or f"Impact assessment {word}")
    return impact


@transaction.atomic
def impact_sign_off(*, actor, impact: ImpactAssessment, comment: str = "") -> ImpactAssessment:
    require(
        actor,
        "risk.signoff_impactassessment",
        message="Only governance officers and approvers sign off impact assessments.",
    )
    impact = ImpactAssessment.objects.select_for_update().select_related("system").get(pk=impact.pk)
    if impact.system.owner_id == actor.pk:
        raise RuleForbidden(
            "You own this system: segregation of duties forbids signing off its assessment.",
            code=Code.SEGREGATION_OF_DUTIES,
        )
    if impact.status == ImpactAssessment.Status.SIGNED_OFF:
        raise TransitionNotAllowed(
            f"{impact.reference} is already signed off.", code=Code.SIGNED_OFF
        )
    if not impact.conclusion.strip():
        raise BusinessRuleError(
            f"{impact.reference} has no conclusion yet: it cannot be signed off.",
            code=Code.INCOMPLETE,
        )
    impact.status = ImpactAssessment.Status.SIGNED_OFF
    impact.signed_off_by = actor
    impact.signed_off_at = timezone.now()
    impact.sign_off_comment = comment.strip()
    save_with_history(impact, actor=actor, reason=f"Impact assessment signed off by {actor}")
    return impact


def today() -> date:
    return timezone.localdate()
