"""The risk app's part of the case an approver reads before deciding a gate (registered with
the inventory's decision page in RiskConfig.ready, so the inventory never imports it): the EU
AI Act classification and its obligations, the tier with its requirements met and missing at
the open gate, the risks above appetite and the latest impact assessment.

Reads go through the app's selectors (what the user may see) and the same checklist the
risk page and the gate check use: the rule is not repeated here."""

from typing import Any

from inventory.models import AISystem, Gate

from . import selectors, services
from .models import Risk

ABOVE_APPETITE = (Risk.Acceptance.PENDING, Risk.Acceptance.ACCEPTED)


def decision_case(user, system: AISystem, gate: str | None) -> dict[str, Any]:
    classification = (
        selectors.classification_list(user=user)
        .filter(system=system)
        .select_related("classified_by", "confirmed_by")
        .first()
    )
    return {
        "classification": classification,
        "obligations": services.obligations_with_dates(classification),
        "tier_decision": selectors.tier_decision_list(user=user).filter(system=system).first(),
        "gate_label": Gate(gate).label if gate else "",
        "checks": services.checklist(system, gate) if gate else [],
        "risks_above_appetite": list(
            selectors.risk_list(user=user, filters={"system": system.pk}).filter(
                acceptance__in=ABOVE_APPETITE
            )
        ),
        "impact": selectors.impact_list(user=user)
        .filter(system=system)
        .select_related("signed_off_by")
        .first(),
    }
