"""Risk assessments, risks and treatment actions: recording an assessment, registering or
editing a risk (scored and levelled by the current methodology; the system's tier is
derived again), an approver's acceptance of a residual risk above appetite, and the
actions planned to treat a risk."""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from aims.errors import RuleForbidden, TransitionNotAllowed
from aims.history import save_with_history
from aims.permissions import require

from ..errors import Code
from ..models import LEVEL_RANK, Methodology, Risk, RiskAssessment, TreatmentAction
from ._common import _reject_unknown, _require_system_write
from .methodology import methodology_current
from .tiers import tier_recompute

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
