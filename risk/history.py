"""A system's risk history: every change to its classification, tier decision, assessments,
risks, treatment actions and impact assessments."""

from typing import Any

from aims.history_diff import history_entries
from inventory.models import AISystem

from .models import (
    Classification,
    ImpactAssessment,
    Risk,
    RiskAssessment,
    TierDecision,
    TreatmentAction,
)

SYSTEM_MODELS = (Classification, TierDecision, RiskAssessment, Risk, ImpactAssessment)


def system_risk_history(system: AISystem) -> list[dict[str, Any]]:
    querysets = [model.history.filter(system_id=system.pk) for model in SYSTEM_MODELS]
    risk_ids = Risk.history.filter(system_id=system.pk).values("id")
    querysets.append(TreatmentAction.history.filter(risk_id__in=risk_ids))
    return history_entries(querysets)
