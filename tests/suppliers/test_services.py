from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from aims.errors import RuleForbidden, TransitionNotAllowed
from aims.models import Notification
from inventory import services as inventory_services
from inventory.models import AISystem, ChangeRequest
from risk import services as risk_services
from risk.models import ImpactAssessment, RiskAssessment
from suppliers import selectors, services
from suppliers.models import (
    ReviewAnswer,
    ReviewQuestion,
    Supplier,
    SupplierReview,
    VendorChangeImpact,
    VendorChangeNotice,
)

from ..factories import classify_confirmed, make_system
from .helpers import (
    active_questions,
    answer_all,
    completed_review,
    deployed_system,
    link_component,
    make_supplier,
    record_validation,
)

pytestmark = pytest.mark.django_db

NOTICE = {
    "affected_service": "acme-llm",
    "kind": "new_model_version",
    "source": "vendor_notice",
    "title": "acme-llm 2026-06 replaces 2026-01",
}


# --- Register -------------------------------------------------------------------------------


def test_a_supplier_starts_proposed_with_a_reference_and_history(officer):
    supplier = make_supplier(officer)
    assert supplier.reference == f"SUP-{supplier.pk:04d}"
    assert supplier.status == "proposed" and supplier.owner == officer
    row = supplier.history.get()
    assert row.history_user == officer and row.history_change_reason


def test_only_officers_register_suppliers(owner, approver):
    for user in (owner, approver):
        with pytest.raises(RuleForbidden) as refused:
            make_supplier(user)
        assert refused.value.code == "permission_denied"


def test_contract_cannot_end_before_it_starts(officer):
    from datetime import date

    with pytest.raises(ValidationError) as exc:
        make_supplier(officer, contract_start=date(2026, 5, 1), contract_end=date(2026, 1, 1))
    assert "contract_end" in exc.value.message_dict


# --- Reviews: snapshot and scoring ----------------------------------------------------------


def test_a_review_copies_the_active_questions(officer):
    supplier = make_supplier(officer)
    review = services.review_start(actor=officer, supplier=supplier)
    assert review.reference == f"SR-{review.pk:04d}"
    assert review.answers.count() == active_questions() > 0


def test_a_completed_review_keeps_the_questions_as_they_were(officer):
    supplier = make_supplier(officer)
    review = completed_review(officer, supplier)
    question = ReviewQuestion.objects.first()
    original = question.text
    services.question_save(
        actor=officer, question=question, data={"text": "Reworded question", "weight": 1}
    )
    answer = review.answers.get(question=question)
    assert answer.question_text == original
    assert answer.weight != 1 or question.weight == 1
    with pytest.raises(TransitionNotAllowed):
        services.review_answer(actor=officer, review=review, answers={answer.pk: {"value": "no"}})


def test_only_officers_edit_the_questionnaire(approver, owner):
    for user in (approver, owner):
        with pytest.raises(RuleForbidden) as refused:
            services.question_save(
                actor=user, question=ReviewQuestion(), data={"topic": "security", "text": "x"}
            )
        assert refused.value.code == "permission_denied"


def test_score_is_the_weighted_share_and_na_counts_neither_way():
    def answers(*pairs):
        return [ReviewAnswer(weight=w, value=v) for w, v in pairs]

    assert services.review_score(answers((5, "yes"), (5, "no"))) == Decimal("50.0")
    assert services.review_score(answers((3, "yes"), (1, "partly"))) == Decimal("87.5")
    assert services.review_score(answers((4, "yes"), (4, "na"))) == Decimal("100.0")
    assert services.review_score(answers((2, "na"))) is None
    assert services.review_rating(Decimal("80")) == "strong"
    assert services.review_rating(Decimal("79.9")) == "adequate"
    assert services.review_rating(Decimal("59.9")) == "weak"
    assert services.review_rating(None) == "weak"


def test_completing_computes_score_and_rating_and_schedules_reassessment(officer):
    supplier = make_supplier(officer, reassessment_cadence_months=6)
    review = services.review_start(actor=officer, supplier=supplier)
    answers = list(review.answers.all())
    services.review_answer(
        actor=officer,
        review=review,
        answers={a.pk: {"value": "partly" if i == 0 else "yes"} for i, a in enumerate(answers)},
    )
    review = services.review_complete(
        actor=officer, review=review, decision="approve_with_conditions", conditions="Pin v1"
    )
    total = sum(a.weight for a in answers)
    expected = Decimal(str(100 * (total - answers[0].weight / 2) / total)).quantize(Decimal("0.1"))
    assert review.status == "completed" and review.score == expected
    assert review.rating == services.review_rating(expected)
    supplier.refresh_from_db()
    assert supplier.next_reassessment_date is not None


def test_a_review_with_unanswered_questions_cannot_complete(officer):
    review = services.review_start(actor=officer, supplier=make_supplier(officer))
    with pytest.raises(TransitionNotAllowed) as exc:
        services.review_complete(actor=officer, review=review, decision="approve")
    assert exc.value.code == "review_incomplete" and exc.value.extra["missing"]


def test_one_review_in_progress_at_a_time(officer):
    supplier = make_supplier(officer)
    services.review_start(actor=officer, supplier=supplier)
    with pytest.raises(TransitionNotAllowed):
        services.review_start(actor=officer, supplier=supplier)


def test_an_invalid_answer_is_a_field_error(officer):
    review = services.review_start(actor=officer, supplier=make_supplier(officer))
    answer = review.answers.first()
    with pytest.raises(ValidationError) as exc:
        services.review_answer(actor=officer, review=review, answers={answer.pk: {"value": "?"}})
    assert "answers" in exc.value.message_dict


# --- Approval rules -------------------------------------------------------------------------


def test_approval_needs_a_completed_review(officer, approver):
    supplier = make_supplier(officer)
    with pytest.raises(TransitionNotAllowed) as exc:
        services.supplier_transition(actor=approver, supplier=supplier, action="approve")
    assert exc.value.code == "approval_prerequisites_missing"
    services.review_start(actor=officer, supplier=supplier)  # in progress is not enough
    with pytest.raises(TransitionNotAllowed):
        services.supplier_transition(actor=approver, supplier=supplier, action="approve")


def test_the_owner_of_a_supplier_cannot_approve_it(officer, approver):
    supplier = make_supplier(officer)
    completed_review(officer, supplier)
    with pytest.raises(RuleForbidden) as exc:
        services.supplier_transition(actor=officer, supplier=supplier, action="approve")
    assert exc.value.code == "segregation_of_duties"
    supplier = services.supplier_transition(actor=approver, supplier=supplier, action="approve")
    assert supplier.status == "approved" and supplier.approved_by == approver
    assert Notification.objects.filter(recipient=officer, title__contains="Approved").exists()


def test_a_review_recommending_rejection_blocks_approval(officer, approver):
    supplier = make_supplier(officer)
    completed_review(officer, supplier, value="no", decision="reject")
    with pytest.raises(TransitionNotAllowed):
        services.supplier_transition(actor=approver, supplier=supplier, action="approve")


def test_conditional_approval_states_its_conditions(officer, approver):
    supplier = make_supplier(officer)
    completed_review(officer, supplier)
    with pytest.raises(ValidationError):
        services.supplier_transition(
            actor=approver, supplier=supplier, action="approve_with_conditions"
        )
    supplier = services.supplier_transition(
        actor=approver,
        supplier=supplier,
        action="approve_with_conditions",
        conditions="No personal data until the DPA is signed",
    )
    assert supplier.status == "approved_with_conditions"
    assert supplier.status_conditions.startswith("No personal data")


def test_suspend_and_offboard_need_a_reason_and_follow_the_table(officer, approver, owner):
    supplier = make_supplier(officer)
    completed_review(officer, supplier)
    services.supplier_transition(actor=approver, supplier=supplier, action="approve")
    with pytest.raises(RuleForbidden):
        services.supplier_transition(
            actor=approver, supplier=supplier, action="suspend", reason="x"
        )
    with pytest.raises(ValidationError):
        services.supplier_transition(actor=officer, supplier=supplier, action="suspend")
    services.supplier_transition(actor=officer, supplier=supplier, action="suspend", reason="Leak")
    services.supplier_transition(actor=officer, supplier=supplier, action="offboard", reason="Exit")
    supplier.refresh_from_db()
    assert supplier.status == "offboarded"
    with pytest.raises(TransitionNotAllowed) as exc:
        services.supplier_transition(actor=approver, supplier=supplier, action="approve")
    assert "Offboarded" in exc.value.message
    with pytest.raises(TransitionNotAllowed):
        services.supplier_update(actor=officer, supplier=supplier, data={"services_used": "x"})


def test_available_transitions_hide_approval_from_the_owner(officer, approver):
    supplier = make_supplier(officer)
    names = [n for n, _ in services.available_transitions(actor=officer, supplier=supplier)]
    assert names == ["offboard"]
    names = [n for n, _ in services.available_transitions(actor=approver, supplier=supplier)]
    assert names == ["approve", "approve_with_conditions"]


# --- Vendor change fan-out ------------------------------------------------------------------


@pytest.fixture
def estate(officer, approver, owner, other_owner):
    """A supplier used by a deployed high-tier system, a system in development and a retired
    system; a second supplier used by another system."""
    supplier = make_supplier(officer)
    other_supplier = make_supplier(officer, name="Other vendor")
    deployed = deployed_system(
        owner,
        officer,
        approver,
        supplier=supplier,
        models=[("LLM", "acme-llm-2026-01"), ("Embeddings", "acme-embed-3")],
    )
    developing = make_system(other_owner, name="Developing tool")
    inventory_services.system_transition(actor=officer, system=developing, action="start_triage")
    inventory_services.approval_decide(actor=approver, system=developing, decision="approve")
    link_component(other_owner, developing, supplier)
    retired = make_system(owner, name="Old bot")
    inventory_services.system_transition(actor=officer, system=retired, action="start_triage")
    inventory_services.approval_decide(actor=approver, system=retired, decision="approve")
    link_component(owner, retired, supplier)
    inventory_services.system_transition(actor=owner, system=retired, action="retire")
    unrelated = make_system(owner, name="Unrelated")
    link_component(owner, unrelated, other_supplier)
    return {
        "supplier": supplier,
        "deployed": deployed,
        "developing": developing,
        "retired": retired,
        "unrelated": unrelated,
    }


def record(officer, supplier, **overrides):
    return services.vendor_change_record(
        actor=officer, supplier=supplier, data={**NOTICE, **overrides}
    )


def test_a_notice_flags_every_dependent_system_once(officer, owner, other_owner, estate):
    notice = record(officer, estate["supplier"])
    assert notice.reference == f"VC-{notice.pk:04d}" and notice.status == "open"
    impacts = {i.system_id: i for i in notice.impacts.all()}
    assert set(impacts) == {estate["deployed"].pk, estate["developing"].pk}
    deployed = impacts[estate["deployed"].pk]
    assert deployed.under_review is True
    assert "LLM" in deployed.components and "Embeddings" in deployed.components
    # No change request until an assessment asks for the release gate: at most one per
    # notice and system (issue 13, part 8).
    assert not ChangeRequest.objects.filter(system=estate["deployed"]).exists()
    assert deployed.change_reference == ""
    developing = impacts[estate["developing"].pk]
    assert developing.under_review is False and developing.change_reference == ""
    assert AISystem.objects.get(pk=estate["deployed"].pk).lifecycle_stage == "deployed"
    for user in (owner, other_owner):
        assert Notification.objects.filter(recipient=user, title__contains=notice.reference)
    for row in VendorChangeImpact.history.all():
        assert row.history_user == officer and row.history_change_reason


def test_a_deployed_system_of_lower_tier_is_flagged_but_not_under_review(officer, approver, owner):
    supplier = make_supplier(officer)
    system = deployed_system(owner, officer, approver, tier="medium")
    link_component(owner, system, supplier)
    impact = record(officer, supplier).impacts.get()
    assert impact.under_review is False and impact.change_reference == ""


def test_a_notice_nobody_depends_on_is_reviewed_at_once(officer):
    notice = record(officer, make_supplier(officer))
    assert notice.status == "reviewed" and notice.impacts.count() == 0
    assert "No AI system" in notice.history.first().history_change_reason


def test_only_officers_record_notices(owner, auditor, officer):
    supplier = make_supplier(officer)
    for user in (owner, auditor):
        with pytest.raises(RuleForbidden):
            record(user, supplier)


def under_review_ids(user) -> set[int]:
    from inventory.vendor_changes import systems_under_vendor_review

    return set(systems_under_vendor_review(user=user).values_list("pk", flat=True))


def test_no_impact_clears_the_flag_and_reviews_the_notice(officer, owner, other_owner, estate):
    notice = record(officer, estate["supplier"])
    deployed = notice.impacts.get(system_id=estate["deployed"].pk)
    developing = notice.impacts.get(system_id=estate["developing"].pk)
    assert under_review_ids(officer) == {estate["deployed"].pk}
    with pytest.raises(RuleForbidden):
        services.impact_assess(
            actor=other_owner, impact=deployed, assessment="no_impact", rationale="x"
        )
    with pytest.raises(ValidationError) as exc:
        services.impact_assess(actor=owner, impact=deployed, assessment="no_impact", rationale="")
    assert "rationale" in exc.value.message_dict
    services.impact_assess(
        actor=owner, impact=deployed, assessment="no_impact", rationale="Same outputs on 50 cases"
    )
    # On a high-tier system the owner's "no impact" waits for an officer (issue 13, part 8).
    assert under_review_ids(officer) == {estate["deployed"].pk}
    services.impact_confirm(
        actor=officer, impact=deployed, decision="confirm", reason="Release notes checked"
    )
    assert under_review_ids(officer) == set()
    assert VendorChangeNotice.objects.get(pk=notice.pk).status == "open"
    services.impact_assess(
        actor=other_owner, impact=developing, assessment="revalidate", rationale="Not live yet"
    )
    notice.refresh_from_db()
    assert notice.status == "reviewed" and notice.reviewed_at is not None
    assert AISystem.objects.get(pk=estate["developing"].pk).lifecycle_stage == (
        "approved_for_development"
    )
    with pytest.raises(TransitionNotAllowed):
        services.impact_assess(
            actor=owner, impact=deployed, assessment="reapprove", rationale="Changed my mind"
        )


def meet_the_high_tier_release_rules(officer, approver, owner, system) -> None:
    """What the risk app's release check asks of a high-tier system (classification, a
    current risk assessment, a signed-off impact assessment with an oversight plan, a bias
    and an accuracy validation in this release round), made through the real services."""
    classify_confirmed(officer=officer, system=system)
    risk_services.assessment_save(
        actor=owner,
        assessment=RiskAssessment(system=system),
        data={"title": "Vendor model change", "assessed_on": date.today(), "scope": "Answers"},
    )
    impact = risk_services.impact_save(
        actor=owner,
        impact=ImpactAssessment(system=system),
        data={
            "title": "Impact of the new model version",
            "affected_individuals": "Customers",
            "intended_use": "Answering support questions",
            "human_oversight_measures": "Agents review flagged answers",
            "conclusion": "Acceptable",
        },
    )
    risk_services.impact_sign_off(actor=approver, impact=impact)
    record_validation(owner, system)
    inventory_services.validation_record_create(
        actor=owner,
        system=system,
        test_type="bias",
        title="Bias after the model change",
        method="Parity on 500 cases",
        result="pass",
        performed_on=date.today(),
    )
    # The high tier asks for validations reviewed by someone other than the owner and a
    # named human-oversight person (issue 13, parts 3 and 4).
    system.refresh_from_db()
    for record in system.validations.filter(release_round=system.release_round):
        inventory_services.validation_record_review(actor=officer, record=record)
    inventory_services.system_update(actor=owner, system=system, data={"oversight_person": officer})


def test_reapproval_sends_the_system_back_through_the_release_gate(
    officer, approver, approver2, owner, estate
):
    """The whole cross-app flow, with every gate rule registered (the risk app's release
    checks and its approval count for a high tier) running for real."""
    notice = record(officer, estate["supplier"])
    impact = notice.impacts.get(system_id=estate["deployed"].pk)
    impact = services.impact_assess(
        actor=owner, impact=impact, assessment="reapprove", rationale="Tone changed in tests"
    )
    system = AISystem.objects.get(pk=estate["deployed"].pk)
    assert system.lifecycle_stage == "in_validation"
    material = ChangeRequest.objects.get(system=system, is_material=True)
    assert material.status == "in_release_review" and impact.change_reference == (
        material.reference
    )
    # Assessed, but still "change under review" until the release gate is passed again.
    assert under_review_ids(officer) == {system.pk}
    # The reopened gate asks for the release evidence again, the risk app's checks included.
    with pytest.raises(TransitionNotAllowed) as refused:
        inventory_services.approval_decide(actor=approver, system=system, decision="approve")
    assert refused.value.code == "release_prerequisites_missing"
    missing = refused.value.extra["missing"]
    # (It was released under the high tier: its classification and impact assessment stand;
    # the validations are asked for again in the new release round.)
    assert "A passing bias validation for this release round is missing." in missing
    assert "A passing accuracy validation for this release round is missing." in missing
    meet_the_high_tier_release_rules(officer, approver, owner, system)
    assert inventory_services.gate_blockers(system, "release") == []
    # A high tier needs two approvals: the first leaves the system in validation.
    assert inventory_services.required_approvals("release", system) == 2
    inventory_services.approval_decide(actor=approver, system=system, decision="approve")
    assert AISystem.objects.get(pk=system.pk).lifecycle_stage == "in_validation"
    assert under_review_ids(officer) == {system.pk}
    inventory_services.approval_decide(actor=approver2, system=system, decision="approve")
    assert AISystem.objects.get(pk=system.pk).lifecycle_stage == "deployed"
    assert under_review_ids(officer) == set()


def test_owners_see_only_the_impacts_on_their_own_systems(officer, owner, other_owner, estate):
    notice = record(officer, estate["supplier"])
    mine = selectors.impact_list(user=owner, notice=notice)
    assert [i.system_id for i in mine] == [estate["deployed"].pk]
    theirs = selectors.impact_list(user=other_owner, notice=notice)
    assert [i.system_id for i in theirs] == [estate["developing"].pk]
    assert selectors.impact_list(user=officer, notice=notice).count() == 2


def test_supplier_dependents_list_systems_and_components(officer, owner, estate):
    dependents = selectors.dependents(user=officer, supplier=estate["supplier"])
    assert [d.system_id for d in dependents] == [estate["deployed"].pk, estate["developing"].pk]
    assert [c["name"] for c in dependents[0].components] == ["Embeddings", "LLM"]
    mine = selectors.dependents(user=owner, supplier=estate["supplier"])
    assert [d.system_id for d in mine] == [estate["deployed"].pk]


def test_a_supplier_in_use_cannot_be_deleted(officer, owner, estate):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        Supplier.objects.filter(pk=estate["supplier"].pk).delete()


def test_reviews_are_hidden_from_owners(officer, owner):
    supplier = make_supplier(officer)
    review = services.review_start(actor=officer, supplier=supplier)
    answer_all(officer, review)
    assert selectors.review_list(user=owner).count() == 0
    assert selectors.review_list(user=officer).count() == 1
    assert SupplierReview.objects.count() == 1
