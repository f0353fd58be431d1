"""Every write of the risk app, with its rules. Views, the API and commands call these.

The services live in sub-modules, one per part of the app; this package re-exports them, so
``from risk import services`` and ``services.risk_save(...)`` work as before:

- :mod:`.methodology` the risk methodology (scales, thresholds, appetite);
- :mod:`.classifications` the EU AI Act classification's workflow (draft, submit, confirm),
  its rules, the obligation dates table and the review after a new questionnaire;
- :mod:`.tiers` the internal risk tier derived from the confirmed classification;
- :mod:`.gates` the requirements matrix and the gate checks registered with the inventory;
- :mod:`.risks` risk assessments, risks, acceptance above appetite, treatment actions;
- :mod:`.impact` impact assessments and their sign-off;
- :mod:`._common` the helpers they share.
"""

from ..models import RiskAssessment
from ._common import CLOSED, today
from .classifications import (
    DateRow,
    classification_answer_refusal,
    classification_confirm,
    classification_confirm_refusal,
    classification_review_due,
    classification_save,
    classification_submit,
    classification_submit_refusal,
    obligations_with_dates,
    timeline_current,
    timeline_rows,
    timeline_update,
)
from .gates import (
    REQUIREMENT_FIELDS,
    REQUIREMENT_FLAGS,
    Check,
    checklist,
    gate_check,
    required_approvals_for,
    requirement_for,
    tier_requirement_update,
)
from .impact import IMPACT_FIELDS, REVERSIBILITY, clean_harms, impact_save, impact_sign_off
from .methodology import METHODOLOGY_FIELDS, methodology_current, methodology_update
from .risks import (
    ACTION_FIELDS,
    ASSESSMENT_FIELDS,
    RISK_FIELDS,
    SCORE_FIELDS,
    action_save,
    assessment_save,
    risk_accept,
    risk_save,
)
from .tiers import (
    TIER_RANK,
    TierOutcome,
    derive_tier,
    tier_outcome_for,
    tier_recompute,
    top_residual_level,
)

__all__ = [
    "ACTION_FIELDS",
    "ASSESSMENT_FIELDS",
    "CLOSED",
    "IMPACT_FIELDS",
    "METHODOLOGY_FIELDS",
    "REQUIREMENT_FIELDS",
    "REQUIREMENT_FLAGS",
    "REVERSIBILITY",
    "RISK_FIELDS",
    "SCORE_FIELDS",
    "TIER_RANK",
    "Check",
    "RiskAssessment",  # a model, kept here for the callers that build one through services
    "TierOutcome",
    "action_save",
    "assessment_save",
    "checklist",
    "DateRow",
    "classification_answer_refusal",
    "classification_confirm",
    "classification_confirm_refusal",
    "classification_review_due",
    "classification_save",
    "classification_submit",
    "classification_submit_refusal",
    "obligations_with_dates",
    "timeline_current",
    "timeline_rows",
    "timeline_update",
    "tier_outcome_for",
    "clean_harms",
    "derive_tier",
    "gate_check",
    "impact_save",
    "impact_sign_off",
    "methodology_current",
    "methodology_update",
    "required_approvals_for",
    "requirement_for",
    "risk_accept",
    "risk_save",
    "tier_recompute",
    "tier_requirement_update",
    "today",
    "top_residual_level",
]
