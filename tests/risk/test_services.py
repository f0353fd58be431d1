"""Scoring, appetite sign-off, tier derivation and the gates."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from aims.errors import RuleForbidden, TransitionNotAllowed
from inventory import services as inventory_services
from inventory.models import AISystem, Approval
from risk import services
from risk.models import ImpactAssessment, Methodology, Risk, TierDecision

from ..factories import answers_with, classify_confirmed

pytestmark = pytest.mark.django_db


# --- scoring and methodology ----------------------------------------------------------------


def test_default_methodology_is_5x5_with_four_levels():
    m = services.methodology_current()
    assert (m.likelihood_max, m.impact_max) == (5, 5)
    assert [m.level_for(s) for s in (1, 4, 5, 9, 10, 16, 20, 25)] == [
        "low", "low", "medium", "medium", "high", "high", "critical", "critical"
    ]  # fmt: skip
    assert m.appetite == "medium"


def test_risk_stores_scores_levels_and_methodology_version(make_risk):
    risk = make_risk()
    assert (risk.inherent_score, risk.inherent_level) == (16, "high")
    assert (risk.residual_score, risk.residual_level) == (6, "medium")
    assert risk.methodology_version == services.methodology_current().version
    assert risk.reference.startswith("RSK-")
    assert risk.owner == risk.system.owner


@pytest.mark.parametrize(
    "field,value", [("inherent_likelihood", 6), ("inherent_impact", 0), ("residual_impact", 7)]
)
def test_scores_out_of_range_are_field_errors(make_risk, field, value):
    with pytest.raises(ValidationError) as caught:
        make_risk(**{field: value})
    assert field in caught.value.message_dict
    assert Risk.objects.count() == 0


def test_unknown_category_is_a_field_error(make_risk):
    with pytest.raises(ValidationError) as caught:
        make_risk(category="astrology")
    assert "category" in caught.value.message_dict


def test_residual_cannot_exceed_inherent(make_risk):
    with pytest.raises(ValidationError):
        make_risk(residual_likelihood=5, residual_impact=5)


def test_methodology_change_is_recorded_and_does_not_rewrite_past_risks(officer, make_risk):
    risk = make_risk()
    before = services.methodology_current().version
    services.methodology_update(
        actor=officer, data={"thresholds": {"low": 2, "medium": 5, "high": 12}}, reason="Tighter"
    )
    m = services.methodology_current()
    assert m.version == before + 1
    assert m.history.first().history_change_reason == "Tighter"
    risk.refresh_from_db()
    assert (risk.residual_level, risk.methodology_version) == ("medium", before)
    edited = services.risk_save(actor=risk.system.owner, risk=risk, data={"title": "Re-scored"})
    assert (edited.residual_level, edited.methodology_version) == ("high", before + 1)


def test_methodology_rejects_bad_thresholds_and_non_officers(officer, owner):
    with pytest.raises(ValidationError) as caught:
        services.methodology_update(
            actor=officer, data={"thresholds": {"low": 9, "medium": 5, "high": 12}}
        )
    assert "thresholds" in caught.value.message_dict
    with pytest.raises(RuleForbidden) as refused:
        services.methodology_update(actor=owner, data={"appetite": "high"})
    assert refused.value.code == "permission_denied"
    assert Methodology.objects.count() == 1


# --- appetite and acceptance ----------------------------------------------------------------


def test_residual_above_appetite_needs_acceptance_by_an_approver_not_owner(
    make_risk, approver, owner, officer
):
    risk = make_risk(residual_likelihood=4, residual_impact=4)  # 16: high > medium
    assert risk.acceptance == "pending"
    with pytest.raises(RuleForbidden):
        services.risk_accept(actor=officer, risk=risk, justification="ok")
    with pytest.raises(RuleForbidden):
        services.risk_accept(actor=owner, risk=risk, justification="ok")
    with pytest.raises(ValidationError):
        services.risk_accept(actor=approver, risk=risk, justification="  ")
    risk = services.risk_accept(actor=approver, risk=risk, justification="Oversight in place")
    assert (risk.acceptance, risk.accepted_by) == ("accepted", approver)
    assert risk.acceptance_justification == "Oversight in place"
    with pytest.raises(TransitionNotAllowed):
        services.risk_accept(actor=approver, risk=risk, justification="again")


def test_an_approver_who_owns_the_risk_cannot_accept_it(make_risk, approver, approver2):
    risk = make_risk(residual_likelihood=4, residual_impact=4, owner=approver)
    with pytest.raises(RuleForbidden) as caught:
        services.risk_accept(actor=approver, risk=risk, justification="mine")
    assert caught.value.code == "segregation_of_duties"
    assert services.risk_accept(actor=approver2, risk=risk, justification="x").acceptance == (
        "accepted"
    )


def test_changing_the_residual_score_needs_acceptance_again(make_risk, approver, owner):
    risk = make_risk(
        inherent_likelihood=5, inherent_impact=5, residual_likelihood=4, residual_impact=4
    )
    services.risk_accept(actor=approver, risk=risk, justification="ok")
    risk = services.risk_save(actor=owner, risk=risk, data={"residual_impact": 5})
    assert risk.acceptance == "pending" and risk.accepted_by is None
    risk = services.risk_save(actor=owner, risk=risk, data={"residual_impact": 1})
    assert risk.acceptance == "not_needed"


def test_risk_within_appetite_needs_no_acceptance(make_risk):
    assert make_risk().acceptance == "not_needed"


# --- tier derivation ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "eu_class,impact,personal,residual,tier",
    [
        (None, "assists", "none", None, "unclassified"),
        ("prohibited", "assists", "none", None, "prohibited"),
        ("high_risk", "assists", "none", None, "high"),
        ("minimal", "assists", "none", None, "low"),
        ("minimal", "assists", "personal", None, "low"),
        ("limited", "assists", "personal", None, "medium"),
        ("minimal", "assists", "special", None, "medium"),
        ("minimal", "decides_with_review", "none", None, "medium"),
        ("minimal", "decides_alone", "none", None, "high"),
        ("minimal", "assists", "none", "high", "medium"),
        ("limited", "assists", "none", "critical", "high"),
    ],
)
def test_derive_tier(eu_class, impact, personal, residual, tier):
    outcome = services.derive_tier(
        eu_class=eu_class, decision_impact=impact, personal_data=personal, top_residual=residual
    )
    assert outcome.tier == tier
    assert outcome.reasons


def test_classification_sets_the_tier_with_reasons_and_history(officer, system):
    record = classify_confirmed(officer=officer, system=system)
    assert record.confirmed_result == "high_risk"
    system.refresh_from_db()
    assert system.risk_tier == "high"
    decision = TierDecision.objects.get(system=system)
    assert any("High-risk" in r for r in decision.reasons)
    assert system.history.first().history_user == officer


def test_tier_is_recomputed_when_residual_risk_changes(officer, owner, make_risk):
    system = AISystem.objects.get()
    inventory_services.system_update(
        actor=owner, system=system, data={"decision_impact": "assists", "personal_data": "none"}
    )
    classify_confirmed(officer=officer, system=system, result="minimal")
    system.refresh_from_db()
    assert system.risk_tier == "low"
    risk = make_risk(inherent_likelihood=5, inherent_impact=5, residual_likelihood=5,
                     residual_impact=5)  # fmt: skip
    system.refresh_from_db()
    assert system.risk_tier == "high"
    services.risk_save(actor=owner, risk=risk, data={"residual_likelihood": 1})
    system.refresh_from_db()
    assert system.risk_tier == "low"
    # pending (answered), low (confirmed), high (critical residual), low again
    assert TierDecision.history.filter(system_id=system.pk).count() == 4


# --- gates ----------------------------------------------------------------------------------


def _to_validation(officer, approver, owner, system):
    inventory_services.system_transition(actor=officer, system=system, action="start_triage")
    inventory_services.approval_decide(actor=approver, system=system, decision="approve")
    inventory_services.system_transition(actor=owner, system=system, action="start_validation")


def test_prohibited_blocks_every_gate(officer, approver, system):
    classify_confirmed(officer=officer, system=system, result="prohibited")
    inventory_services.system_transition(actor=officer, system=system, action="start_triage")
    for gate in ("intake", "release"):
        assert any("prohibited" in m for m in services.gate_check(system, gate))
    with pytest.raises(TransitionNotAllowed) as caught:
        inventory_services.approval_decide(actor=approver, system=system, decision="approve")
    assert "prohibited" in caught.value.message
    assert not Approval.objects.exists()
    # Refusing is still possible
    inventory_services.approval_decide(
        actor=approver, system=system, decision="reject", comment="Art. 5"
    )


def test_high_tier_release_refused_with_the_exact_list(officer, approver, owner, system):
    classify_confirmed(officer=officer, system=system)
    missing_at_intake = services.gate_check(system, "intake")
    assert missing_at_intake == [
        "A current risk assessment is missing (none dated within 6 months)."
    ]


def test_high_tier_release_enforced_then_passes(
    officer, approver, approver2, owner, system, complete_high_risk
):
    complete_high_risk(impact=False)
    _to_validation(officer, approver, owner, system)
    with pytest.raises(TransitionNotAllowed) as caught:
        inventory_services.approval_decide(actor=approver, system=system, decision="approve")
    missing = caught.value.extra["missing"]
    assert "A signed-off impact assessment is missing." in missing
    assert any("human oversight plan" in m for m in missing)
    ia = services.impact_save(
        actor=owner,
        impact=ImpactAssessment(system=system),
        data={
            "title": "IA",
            "affected_individuals": "Applicants",
            "intended_use": "Shortlisting",
            "human_oversight_measures": "Recruiter reviews each ranking",
            "conclusion": "Acceptable",
        },
    )
    services.impact_sign_off(actor=approver, impact=ia)
    assert services.gate_check(system, "release") == []
    inventory_services.approval_decide(actor=approver, system=system, decision="approve")
    system.refresh_from_db()
    assert system.lifecycle_stage == "in_validation"  # a high tier needs two approvals
    inventory_services.approval_decide(actor=approver2, system=system, decision="approve")
    system.refresh_from_db()
    assert system.lifecycle_stage == "deployed"


def test_missing_bias_validation_blocks_release(
    officer, approver, owner, system, complete_high_risk
):
    complete_high_risk(validations=("accuracy",))
    _to_validation(officer, approver, owner, system)
    assert services.gate_check(system, "release") == [
        "A passing bias validation for this release round is missing."
    ]


def test_pending_acceptance_blocks_release(
    officer, approver, owner, system, complete_high_risk, make_risk
):
    complete_high_risk()
    risk = make_risk(residual_likelihood=4, residual_impact=4)
    missing = services.gate_check(system, "release")
    assert missing == [
        f"Residual risks above appetite need an approver's acceptance: {risk.reference}."
    ]
    services.risk_accept(actor=approver, risk=risk, justification="Mitigations adequate")
    assert services.gate_check(system, "release") == []


def test_checklist_reports_the_tier_approval_count(officer, system, complete_high_risk):
    complete_high_risk()
    approvals = [c for c in services.checklist(system, "release") if "approval" in c.label]
    assert approvals and approvals[0].label.startswith("2 approval")
    assert services.required_approvals_for(system, "release") == 2


def test_unclassified_systems_keep_the_platform_rules_only(system):
    assert services.gate_check(system, "intake") == []
    assert services.gate_check(system, "release") == []


def test_requirements_matrix_is_editable_by_officers_only(officer, owner, system):
    from risk.models import TierRequirement

    req = TierRequirement.objects.get(tier="low", gate="release")
    with pytest.raises(RuleForbidden):
        services.tier_requirement_update(
            actor=owner, requirement=req, data={"bias_validation": True}
        )
    services.tier_requirement_update(actor=officer, requirement=req, data={"bias_validation": True})
    classify_confirmed(officer=officer, system=system, result="minimal")
    system.refresh_from_db()
    if system.risk_tier == "low":
        assert "A passing bias validation for this release round is missing." in (
            services.gate_check(system, "release")
        )


# --- impact assessments ---------------------------------------------------------------------


def test_impact_assessment_harms_are_checked(owner, system):
    with pytest.raises(ValidationError) as caught:
        services.impact_save(
            actor=owner,
            impact=ImpactAssessment(system=system),
            data={
                "title": "IA",
                "affected_individuals": "A",
                "intended_use": "B",
                "harms": [{"description": "x", "severity": 7, "likelihood": 1,
                           "reversibility": "reversible"}],
            },
        )  # fmt: skip
    assert "harms" in caught.value.message_dict


def test_fria_fields_required_when_the_classification_calls_for_one(officer, owner, system):
    services.classification_save(
        actor=officer,
        system=system,
        answers=answers_with(annex_iii_areas=["5b"], profiling=True),
        role="deployer",
    )
    with pytest.raises(ValidationError) as caught:
        services.impact_save(
            actor=owner,
            impact=ImpactAssessment(system=system),
            data={"title": "IA", "affected_individuals": "A", "intended_use": "B"},
        )
    assert "fria_processes" in caught.value.message_dict


def test_sign_off_rules_and_edit_returns_to_draft(owner, approver, system):
    ia = services.impact_save(
        actor=owner,
        impact=ImpactAssessment(system=system),
        data={"title": "IA", "affected_individuals": "A", "intended_use": "B"},
    )
    with pytest.raises(RuleForbidden):
        services.impact_sign_off(actor=owner, impact=ia)
    from aims.errors import BusinessRuleError

    with pytest.raises(BusinessRuleError):
        services.impact_sign_off(actor=approver, impact=ia)  # no conclusion yet
    ia = services.impact_save(actor=owner, impact=ia, data={"conclusion": "Fine"})
    ia = services.impact_sign_off(actor=approver, impact=ia, comment="Good")
    assert ia.status == "signed_off" and ia.reference.startswith("IA-")
    ia = services.impact_save(actor=owner, impact=ia, data={"benefits": "More"})
    assert ia.status == "draft" and ia.signed_off_by is None


def test_other_owner_cannot_write_records_of_a_system(other_owner, system):
    with pytest.raises(RuleForbidden):
        services.assessment_save(
            actor=other_owner,
            assessment=services.RiskAssessment(system=system),
            data={"title": "x", "assessed_on": date.today(), "scope": "y"},
        )


def test_tier_follows_a_change_of_the_systems_details(officer, owner, system):
    inventory_services.system_update(
        actor=owner, system=system, data={"decision_impact": "assists", "personal_data": "none"}
    )
    classify_confirmed(officer=officer, system=system, result="minimal")
    system.refresh_from_db()
    assert system.risk_tier == "low"
    inventory_services.system_update(
        actor=owner, system=system, data={"decision_impact": "decides_alone"}
    )
    system.refresh_from_db()
    assert system.risk_tier == "high"
    decision = TierDecision.objects.get(system=system)
    assert decision.decided_by == owner
    assert any("Decides alone" in r for r in decision.reasons)
    assert "system details changed" in decision.history.first().history_change_reason
