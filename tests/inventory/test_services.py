"""The inventory's business rules, exercised through the services every interface calls."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from aims.errors import RuleForbidden, TransitionNotAllowed
from aims.models import Notification
from aims.roles import APPROVER, OWNER
from inventory import services
from inventory.models import Approval, ChangeRequest, GateSetting, LifecycleStage
from inventory.services import gates

from ..factories import make_system, user_with_role

pytestmark = pytest.mark.django_db
Stage = LifecycleStage


def to_triage(system, officer):
    return services.system_transition(actor=officer, system=system, action="start_triage")


def through_intake(system, officer, approver):
    to_triage(system, officer)
    services.approval_decide(actor=approver, system=system, decision="approve")
    system.refresh_from_db()
    return system


def add_validation(system, actor, result="pass", test_type="bias"):
    return services.validation_record_create(
        actor=actor,
        system=system,
        test_type=test_type,
        title=f"{test_type} test",
        method="Holdout set",
        result=result,
        performed_on=datetime.date(2026, 11, 1),
    )


def deploy(system, owner, officer, approver):
    through_intake(system, officer, approver)
    services.system_transition(actor=owner, system=system, action="start_validation")
    add_validation(system, owner)
    services.approval_decide(actor=approver, system=system, decision="approve")
    system.refresh_from_db()
    return system


def test_intake_registers_system_owned_by_submitter_and_tells_officers(owner, officer):
    system = make_system(owner)
    assert system.lifecycle_stage == Stage.INTAKE_SUBMITTED
    assert system.owner == owner and system.submitted_by == owner
    assert system.reference == f"AIS-{system.pk:04d}"
    assert owner.has_perm("inventory.change_aisystem", system)
    assert Notification.objects.filter(recipient=officer, title__contains=system.reference).exists()
    record = system.history.get()
    assert record.history_user == owner
    assert record.history_change_reason == "Use-case intake submitted"


def test_intake_refused_for_roles_without_add_permission(auditor, approver):
    for user in (auditor, approver):
        with pytest.raises(RuleForbidden):
            make_system(user)


def test_only_officer_may_submit_on_behalf_of_someone(owner, other_owner, officer):
    from ..factories import INTAKE_DATA

    with pytest.raises(RuleForbidden):
        services.system_submit_intake(actor=owner, data=INTAKE_DATA, owner=other_owner)
    system = services.system_submit_intake(actor=officer, data=INTAKE_DATA, owner=other_owner)
    assert system.owner == other_owner
    assert other_owner.has_perm("inventory.view_aisystem", system)


def test_invalid_choice_is_a_field_error_and_saves_nothing(owner):
    from inventory.models import AISystem

    with pytest.raises(ValidationError) as error:
        make_system(owner, business_unit="moon")
    assert "business_unit" in error.value.message_dict
    assert not AISystem.objects.exists()


def test_transition_table_refuses_with_reason(system, officer):
    with pytest.raises(TransitionNotAllowed) as error:
        services.system_transition(actor=officer, system=system, action="start_validation")
    assert "Intake submitted" in error.value.message
    assert "Approved for development" in error.value.message


def test_owner_cannot_triage_own_intake(system, owner):
    with pytest.raises(RuleForbidden):
        services.system_transition(actor=owner, system=system, action="start_triage")


def test_intake_gate_approval_moves_to_development(system, officer, approver):
    through_intake(system, officer, approver)
    assert system.lifecycle_stage == Stage.APPROVED_FOR_DEVELOPMENT
    approval = Approval.objects.get()
    assert (approval.gate, approval.round, approval.approver) == ("intake", 1, approver)


def test_approver_never_decides_own_system(officer):
    both = user_with_role(APPROVER, username="approver_owner")
    both.groups.add(*user_with_role(OWNER).groups.all())
    system = make_system(both)
    to_triage(system, officer)
    with pytest.raises(RuleForbidden) as error:
        services.approval_decide(actor=both, system=system, decision="approve")
    assert error.value.code == "segregation_of_duties"
    assert not Approval.objects.exists()


def test_no_decision_without_open_gate(system, approver):
    with pytest.raises(TransitionNotAllowed) as error:
        services.approval_decide(actor=approver, system=system, decision="approve")
    assert error.value.code == "no_open_gate"


def test_auditor_and_owner_cannot_decide(system, officer, auditor, other_owner):
    to_triage(system, officer)
    for user in (auditor, other_owner):
        with pytest.raises(RuleForbidden):
            services.approval_decide(actor=user, system=system, decision="approve")


def test_configured_number_of_approvals(system, officer, approver, approver2):
    services.gate_setting_update(actor=officer, gate="intake", required_approvals=2)
    to_triage(system, officer)
    services.approval_decide(actor=approver, system=system, decision="approve")
    system.refresh_from_db()
    assert system.lifecycle_stage == Stage.IN_TRIAGE
    with pytest.raises(TransitionNotAllowed):
        services.approval_decide(actor=approver, system=system, decision="approve")
    services.approval_decide(
        actor=approver2,
        system=system,
        decision="approve_with_conditions",
        conditions="Quarterly bias review",
        conditions_due_on=datetime.date.today() + datetime.timedelta(days=90),
    )
    system.refresh_from_db()
    assert system.lifecycle_stage == Stage.APPROVED_FOR_DEVELOPMENT
    assert GateSetting.objects.get(gate="intake").history.first().history_user == officer


def test_gate_setting_only_by_officer(approver):
    with pytest.raises(RuleForbidden):
        services.gate_setting_update(actor=approver, gate="intake", required_approvals=3)


def test_conditions_and_reasons_are_required(system, officer, approver):
    to_triage(system, officer)
    with pytest.raises(ValidationError):
        services.approval_decide(actor=approver, system=system, decision="approve_with_conditions")
    with pytest.raises(ValidationError):
        services.approval_decide(actor=approver, system=system, decision="reject")


def test_request_changes_then_resubmit_opens_a_new_round(system, owner, officer, approver):
    to_triage(system, officer)
    services.approval_decide(
        actor=approver,
        system=system,
        decision="request_changes",
        comment="Describe the appeal process",
    )
    system.refresh_from_db()
    assert system.lifecycle_stage == Stage.CHANGES_REQUESTED
    services.system_transition(actor=owner, system=system, action="resubmit")
    system.refresh_from_db()
    assert system.lifecycle_stage == Stage.INTAKE_SUBMITTED
    assert system.intake_round == 2
    to_triage(system, officer)
    services.approval_decide(actor=approver, system=system, decision="approve")
    system.refresh_from_db()
    assert system.lifecycle_stage == Stage.APPROVED_FOR_DEVELOPMENT


def test_reject_is_final(system, officer, approver, owner):
    to_triage(system, officer)
    services.approval_decide(
        actor=approver, system=system, decision="reject", comment="Prohibited practice"
    )
    system.refresh_from_db()
    assert system.lifecycle_stage == Stage.REJECTED
    with pytest.raises(TransitionNotAllowed):
        services.system_transition(actor=owner, system=system, action="start_validation")


def test_release_gate_lists_what_is_missing(system, owner, officer, approver):
    through_intake(system, officer, approver)
    services.system_transition(actor=owner, system=system, action="start_validation")
    with pytest.raises(TransitionNotAllowed) as error:
        services.approval_decide(actor=approver, system=system, decision="approve")
    assert error.value.code == "release_prerequisites_missing"
    assert "validation record" in error.value.extra["missing"][0]
    failed = add_validation(system, owner, result="fail")
    with pytest.raises(TransitionNotAllowed) as error:
        services.approval_decide(actor=approver, system=system, decision="approve")
    assert failed.reference in error.value.extra["missing"][0]
    add_validation(system, owner, result="pass")
    services.approval_decide(actor=approver, system=system, decision="approve")
    system.refresh_from_db()
    assert system.lifecycle_stage == Stage.DEPLOYED


def test_material_change_sends_system_back_through_release(system, owner, officer, approver):
    deploy(system, owner, officer, approver)
    change = services.change_request_create(
        actor=owner,
        system=system,
        kind="model_update",
        title="Move to v2",
        description="New vendor model version",
        is_material=True,
    )
    system.refresh_from_db()
    assert system.lifecycle_stage == Stage.IN_VALIDATION
    assert system.release_round == 2
    assert change.status == ChangeRequest.Status.IN_RELEASE_REVIEW
    add_validation(system, owner)
    services.approval_decide(actor=approver, system=system, decision="approve")
    system.refresh_from_db()
    change.refresh_from_db()
    assert system.lifecycle_stage == Stage.DEPLOYED
    assert change.status == ChangeRequest.Status.RELEASED


def test_non_material_change_is_recorded_only(system, owner, officer, approver):
    deploy(system, owner, officer, approver)
    change = services.change_request_create(
        actor=owner,
        system=system,
        kind="prompt_change",
        title="Tone",
        description="Friendlier greeting",
        is_material=False,
    )
    system.refresh_from_db()
    assert system.lifecycle_stage == Stage.DEPLOYED
    assert change.status == ChangeRequest.Status.RECORDED


def test_new_population_is_always_material(system, owner, officer, approver):
    deploy(system, owner, officer, approver)
    change = services.change_request_create(
        actor=owner,
        system=system,
        kind="new_population",
        title="Use for interns",
        description="Extend to intern hiring",
        is_material=False,
    )
    assert change.is_material


def test_change_request_needs_deployed_system(system, owner):
    with pytest.raises(TransitionNotAllowed) as error:
        services.change_request_create(
            actor=owner, system=system, kind="prompt_change", title="x", description="y"
        )
    assert error.value.code == "not_deployed"


def test_owner_change_moves_object_permissions(system, owner, other_owner, officer):
    services.system_set_owner(actor=officer, system=system, owner=other_owner)
    assert other_owner.has_perm("inventory.change_aisystem", system)
    fresh_owner = type(owner).objects.get(pk=owner.pk)  # permission caches are per instance
    assert not fresh_owner.has_perm("inventory.view_aisystem", system)


def test_retired_system_cannot_be_edited(system, owner, officer, approver):
    deploy(system, owner, officer, approver)
    services.system_transition(actor=owner, system=system, action="retire")
    system.refresh_from_db()
    with pytest.raises(TransitionNotAllowed):
        services.system_update(actor=owner, system=system, data={"name": "New"})


def test_other_owner_cannot_touch_system_or_children(system, other_owner):
    from inventory.models import Component

    with pytest.raises(RuleForbidden):
        services.system_update(actor=other_owner, system=system, data={"name": "Mine"})
    with pytest.raises(RuleForbidden):
        services.component_save(
            actor=other_owner, component=Component(system=system), data={"name": "x"}
        )


def test_stale_copy_cannot_write_back_an_old_stage(system, owner, officer):
    stale = type(system).objects.get(pk=system.pk)
    to_triage(system, officer)
    services.system_update(actor=officer, system=stale, data={"name": "Renamed"})
    system.refresh_from_db()
    assert system.name == "Renamed"
    assert system.lifecycle_stage == Stage.IN_TRIAGE


def test_material_change_needs_new_tests(system, owner, officer, approver):
    deploy(system, owner, officer, approver)
    services.change_request_create(
        actor=owner,
        system=system,
        kind="new_data_source",
        title="CRM feed",
        description="Adds CRM data",
    )
    system.refresh_from_db()
    with pytest.raises(TransitionNotAllowed) as error:
        services.approval_decide(actor=approver, system=system, decision="approve")
    assert "this release round" in error.value.extra["missing"][0]
    add_validation(system, owner)
    services.approval_decide(actor=approver, system=system, decision="approve")
    system.refresh_from_db()
    assert system.lifecycle_stage == Stage.DEPLOYED


def test_rejecting_a_change_keeps_the_deployed_version(system, owner, officer, approver):
    deploy(system, owner, officer, approver)
    change = services.change_request_create(
        actor=owner,
        system=system,
        kind="vendor_change",
        title="Switch vendor",
        description="Cheaper",
    )
    system.refresh_from_db()
    services.approval_decide(
        actor=approver, system=system, decision="reject", comment="Vendor not assessed"
    )
    system.refresh_from_db()
    change.refresh_from_db()
    assert system.lifecycle_stage == Stage.DEPLOYED
    assert change.status == ChangeRequest.Status.REJECTED


def test_retiring_withdraws_pending_changes(system, owner, officer, approver):
    deploy(system, owner, officer, approver)
    change = services.change_request_create(
        actor=owner, system=system, kind="model_update", title="v3", description="New model"
    )
    system.refresh_from_db()
    services.system_transition(actor=owner, system=system, action="retire")
    change.refresh_from_db()
    assert change.status == ChangeRequest.Status.WITHDRAWN


def test_rejected_system_cannot_be_edited(system, officer, approver):
    to_triage(system, officer)
    services.approval_decide(actor=approver, system=system, decision="reject", comment="No")
    with pytest.raises(TransitionNotAllowed):
        services.system_update(actor=officer, system=system, data={"name": "x"})


def test_registered_gate_checks_block_approval(system, officer, approver, monkeypatch):
    # The registry lives in inventory.services.gates, which reads it: patch it there.
    monkeypatch.setattr(gates, "_gate_checks", [lambda s, gate: [f"No {gate} controls"]])
    to_triage(system, officer)
    with pytest.raises(TransitionNotAllowed) as error:
        services.approval_decide(actor=approver, system=system, decision="approve")
    assert error.value.extra["missing"] == ["No intake controls"]
    # Refusing is always possible: a blocker never forces an approval.
    services.approval_decide(actor=approver, system=system, decision="reject", comment="No")


def test_risk_tier_is_set_with_a_reason(system, officer):
    services.system_set_risk_tier(
        actor=officer, system=system, tier="high", reason="EU AI Act: Annex III employment"
    )
    system.refresh_from_db()
    assert system.risk_tier == "high"
    record = system.history.first()
    assert record.history_user == officer
    assert record.history_change_reason == "EU AI Act: Annex III employment"
