"""Builders for the suppliers tests: every record is made through the real services."""

from datetime import date

from aims.notifications.services import users_in_role
from aims.roles import OFFICER
from inventory import services as inventory_services
from inventory.models import Component
from inventory.vendor_changes import register_supplier_dependencies
from suppliers import services
from suppliers.models import ReviewQuestion

from ..factories import (
    HIGH_RISK_ANSWERS,
    MEDIUM_RISK_ANSWERS,
    make_system,
    release_classified,
    user_with_role,
)

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


def deployed_system(
    owner, officer, approver, *, name="Deployed chatbot", tier="high", supplier=None, models=()
):
    """A system released through the real gates: classified in ``tier`` (high: Annex III;
    medium: a limited-risk system with personal data) before its release gate, and released
    under that tier's requirements; ``tier=None`` releases it unclassified. ``models`` are
    (name, model identifier) of components using ``supplier``'s models, added before
    its intake gate."""

    def build(system):
        for component_name, identifier in models:
            link_component(owner, system, supplier, name=component_name, identifier=identifier)

    answers = {"high": HIGH_RISK_ANSWERS, "medium": MEDIUM_RISK_ANSWERS, None: None}[tier or None]
    system = release_classified(
        make_system(owner, name=name),
        owner=owner,
        officer=officer,
        approver=approver,
        answers=answers,
        build=build,
    )
    assert system.lifecycle_stage == "deployed" and system.risk_tier == (tier or "unclassified")
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
    """A component using ``supplier``'s model on ``system``, added by its owner. On a system
    under change control the addition is a change request: a governance officer other than
    the owner decides it (not material: it records a dependency already in use), which
    creates the component and leaves the system where it was."""
    edited = inventory_services.child_edit(
        actor=owner,
        record=Component(system=system),
        data={"name": name, "supplier": supplier, "model_identifier": identifier},
    )
    if edited.change is None:
        return edited.record
    officer = users_in_role(OFFICER).exclude(pk=owner.pk).exclude(pk=system.owner_id).first()
    change = inventory_services.change_request_decide(
        actor=officer or user_with_role(OFFICER),
        change=edited.change,
        material=False,
        reason="Records a dependency the system already uses",
    )
    return Component.objects.get(pk=change.target_id)


def active_questions() -> int:
    return ReviewQuestion.objects.filter(active=True).count()
