"""A high-tier system waiting at its release gate, seeded through the real services: the
case the decision page shows (tests/inventory/test_decision_page.py and the browser test
tests/e2e/test_decision_page.py use it)."""

from datetime import date

from inventory import services
from inventory.models import AISystem
from risk import services as risk_services
from risk.models import ImpactAssessment, RiskAssessment
from tests.factories import classify_confirmed, make_risk, make_system

RISK_TITLE = "Applicants wrongly refused credit"


def system_awaiting_release(*, officer, approver, owner, complete: bool = True) -> AISystem:
    """'Loan scoring', classified high-risk, its intake approved by ``approver`` (an earlier
    decision), in validation with passing bias and accuracy tests and a residual risk above
    appetite. ``complete``: the risk is accepted and the impact assessment signed off, so the
    release gate can be approved; otherwise both stay missing."""
    system = make_system(owner, name="Loan scoring", purpose="Scores consumer loan applications.")
    classify_confirmed(officer=officer, system=system)
    risk_services.assessment_save(
        actor=owner,
        assessment=RiskAssessment(system=system),
        data={"title": "Pre-release assessment", "assessed_on": date.today(), "scope": "All"},
    )
    risk = make_risk(
        owner,
        system,
        title=RISK_TITLE,
        inherent_likelihood=5,
        inherent_impact=5,
        residual_likelihood=4,
        residual_impact=4,
    )
    services.system_update(actor=owner, system=system, data={"oversight_person": officer})
    if complete:
        risk_services.risk_accept(
            actor=approver, risk=risk, justification="Manual review of every refusal."
        )
        impact = risk_services.impact_save(
            actor=owner,
            impact=ImpactAssessment(system=system),
            data={
                "title": "Loan scoring impact",
                "affected_individuals": "Loan applicants",
                "intended_use": "Pre-scoring",
                "human_oversight_measures": "A credit officer reviews every refusal",
                "conclusion": "Acceptable with oversight",
            },
        )
        risk_services.impact_sign_off(actor=approver, impact=impact)
    services.system_transition(actor=officer, system=system, action="start_triage")
    services.approval_decide(
        actor=approver, system=system, decision="approve", comment="Worth building."
    )
    services.system_transition(actor=owner, system=system, action="start_validation")
    for test_type in ("bias", "accuracy"):
        record = services.validation_record_create(
            actor=owner,
            system=system,
            test_type=test_type,
            title=f"{test_type.capitalize()} on 2025 applications",
            method="5,000 past applications",
            result="pass",
            performed_on=date.today(),
        )
        services.validation_record_review(actor=officer, record=record, note="Re-ran it")
    return AISystem.objects.get(pk=system.pk)
