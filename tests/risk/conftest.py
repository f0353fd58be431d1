from datetime import date

import pytest

from inventory import services as inventory_services
from risk import services
from risk.models import ImpactAssessment, Risk, RiskAssessment

from ..factories import RISK_DATA as RISK
from ..factories import classify_confirmed


@pytest.fixture
def make_risk(owner, system):
    def make(**overrides):
        return services.risk_save(actor=owner, risk=Risk(system=system), data={**RISK, **overrides})

    return make


@pytest.fixture
def complete_high_risk(officer, approver, owner, other_owner, system):
    """Everything a high-tier system needs before release, except what a test removes: the
    assessments, passing validations reviewed by an officer (not the owner who recorded them)
    and a named oversight person (no oversight course is required in these tests)."""

    def run(*, impact=True, validations=("bias", "accuracy"), reviewed=True, oversight=True):
        classify_confirmed(officer=officer, system=system)
        services.assessment_save(
            actor=owner,
            assessment=RiskAssessment(system=system),
            data={"title": "RA", "assessed_on": date.today(), "scope": "Ranking"},
        )
        if impact:
            ia = services.impact_save(
                actor=owner,
                impact=ImpactAssessment(system=system),
                data={
                    "title": "IA",
                    "affected_individuals": "Applicants",
                    "intended_use": "Shortlisting",
                    "human_oversight_measures": "Recruiter reviews every ranking",
                    "conclusion": "Acceptable",
                },
            )
            services.impact_sign_off(actor=approver, impact=ia)
        for test_type in validations:
            record = inventory_services.validation_record_create(
                actor=owner,
                system=system,
                test_type=test_type,
                title=f"{test_type} test",
                method="Holdout set",
                result="pass",
                performed_on=date.today(),
            )
            if reviewed:
                inventory_services.validation_record_review(actor=officer, record=record)
        if oversight:
            inventory_services.system_update(
                actor=owner, system=system, data={"oversight_person": other_owner}
            )

    return run
