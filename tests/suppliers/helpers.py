"""Builders for the suppliers tests: every record is made through the real services."""

from datetime import date

from inventory import services as inventory_services
from inventory.models import Component
from inventory.vendor_changes import register_supplier_dependencies
from suppliers import services
from suppliers.models import ReviewQuestion

from ..factories import make_system

SUPPLIER_DATA = {
    "name": "Acme Models",
    "supplier_type": "model_provider",
    "services_used": "Hosted LLM API",
    "criticality": "high",
}


def connect() -> None:
    """The inventory registers itself as the suppliers' dependency provider (idempotent)."""
    register_supplier_dependencies()


def make_supplier(officer, **overrides):
    return services.supplier_create(actor=officer, data={**SUPPLIER_DATA, **overrides})


def answer_all(officer, review, value="yes"):
    services.review_answer(
        actor=officer,
        review=review,
        answers={a.pk: {"value": value} for a in review.answers.all()},
    )


def completed_review(officer, supplier, value="yes", decision="approve"):
    review = services.review_start(actor=officer, supplier=supplier)
    answer_all(officer, review, value)
    return services.review_complete(actor=officer, review=review, decision=decision)


def deployed_system(owner, officer, approver, *, name="Deployed chatbot", tier="high"):
    system = make_system(owner, name=name)
    inventory_services.system_transition(actor=officer, system=system, action="start_triage")
    inventory_services.approval_decide(actor=approver, system=system, decision="approve")
    inventory_services.system_transition(actor=owner, system=system, action="start_validation")
    record_validation(owner, system)
    inventory_services.approval_decide(actor=approver, system=system, decision="approve")
    if tier:
        inventory_services.system_set_risk_tier(
            actor=officer, system=system, tier=tier, reason="Classified for the test"
        )
    system.refresh_from_db()
    assert system.lifecycle_stage == "deployed"
    return system


def record_validation(owner, system):
    return inventory_services.validation_record_create(
        actor=owner,
        system=system,
        test_type="accuracy",
        title="Holdout accuracy",
        method="500 labelled examples",
        result="pass",
        performed_on=date(2026, 1, 15),
    )


def link_component(owner, system, supplier, *, name="LLM", identifier="acme-llm-2026-01"):
    return inventory_services.child_save(
        actor=owner,
        record=Component(system=system),
        data={"name": name, "supplier": supplier, "model_identifier": identifier},
    )


def active_questions() -> int:
    return ReviewQuestion.objects.filter(active=True).count()
