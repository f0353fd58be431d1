"""Fixtures of the API tests: isolated media and throttle state, URL helper, and systems
brought to a lifecycle stage through the real services."""

from datetime import date

import pytest
from django.urls import reverse

from inventory import services
from inventory.models import AISystem, ValidationRecord


def api_url(name: str, *args) -> str:
    return reverse(f"api:{name}", args=args)


def record_validation(system: AISystem, actor, *, result: str = "pass", test_type="accuracy"):
    return services.validation_record_create(
        actor=actor,
        system=system,
        test_type=test_type,
        title=f"{test_type} test",
        method="Holdout set of 500 CVs; precision@10 >= 0.8.",
        result=result,
        performed_on=date(2026, 1, 15),
    )


STAGES = ("in_triage", "approved_for_development", "in_validation", "deployed")


@pytest.fixture
def advance(officer, approver):
    """advance(system, to) runs the services until the system reaches stage ``to``."""

    def run(system: AISystem, to: str) -> AISystem:
        owner = system.owner
        steps = STAGES[: STAGES.index(to) + 1]
        if "in_triage" in steps:
            system = services.system_transition(actor=officer, system=system, action="start_triage")
        if "approved_for_development" in steps:
            services.approval_decide(actor=approver, system=system, decision="approve")
        if "in_validation" in steps:
            system = services.system_transition(
                actor=owner, system=system, action="start_validation"
            )
        if "deployed" in steps:
            record_validation(system, owner)
            services.approval_decide(actor=approver, system=system, decision="approve")
        system.refresh_from_db()
        assert system.lifecycle_stage == to
        return system

    return run


@pytest.fixture
def deployed_system(system, advance):
    return advance(system, "deployed")


@pytest.fixture
def validation_record(system, advance, owner) -> ValidationRecord:
    advance(system, "in_validation")
    return record_validation(system, owner)
