"""Rules of the management-system services: the policy workflow and its segregation of
duties, acknowledgement once, the scope's approval, objectives and their progress."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from aims.errors import RuleForbidden, TransitionNotAllowed
from aims.models import (
    ContextIssue,
    InterestedParty,
    Objective,
    ObjectiveUpdate,
    PolicyAcknowledgement,
    PolicyVersion,
)
from aims.ms import selectors as ms_selectors
from aims.ms import services as ms_services

from ..factories import make_system

pytestmark = pytest.mark.django_db
Status = PolicyVersion.Status


@pytest.fixture
def policy(officer):
    return ms_services.policy_create(
        actor=officer, title="AI policy", body="We use AI responsibly.", review_interval_months=6
    )


def draft_of(policy) -> PolicyVersion:
    return policy.versions.get(status=Status.DRAFT)


def published(policy, approver, officer=None):
    version = draft_of(policy)
    ms_services.version_approve(actor=approver, version=version)
    return ms_services.version_publish(actor=officer or approver, version=version)


# --- Policy workflow ------------------------------------------------------------------------


def test_create_makes_a_first_draft_with_history(policy, officer):
    version = draft_of(policy)
    assert version.number == 1 and version.drafted_by == officer
    row = version.history.get()
    assert row.history_user == officer and row.history_change_reason == "Version 1 drafted"


def test_drafter_cannot_approve_their_own_version(policy, officer):
    with pytest.raises(RuleForbidden) as exc:
        ms_services.version_approve(actor=officer, version=draft_of(policy))
    assert exc.value.code == "segregation_of_duties"
    assert draft_of(policy).status == Status.DRAFT


def test_an_editor_of_the_draft_cannot_approve_it_either(policy, officer2):
    version = draft_of(policy)
    ms_services.version_update(actor=officer2, version=version, data={"body": "Edited text"})
    with pytest.raises(RuleForbidden):
        ms_services.version_approve(actor=officer2, version=version)


def test_owner_role_cannot_approve(policy, owner):
    with pytest.raises(RuleForbidden) as exc:
        ms_services.version_approve(actor=owner, version=draft_of(policy))
    assert exc.value.code == "permission_denied"


def test_approve_then_publish_sets_review_date(policy, approver, officer):
    version = draft_of(policy)
    ms_services.version_approve(actor=approver, version=version)
    version.refresh_from_db()
    assert version.status == Status.APPROVED and version.approved_by == approver
    ms_services.version_publish(actor=officer, version=version)
    version.refresh_from_db()
    policy.refresh_from_db()
    assert version.status == Status.PUBLISHED and version.published_at
    today = timezone.localdate()
    assert policy.next_review_date > today + timedelta(days=27 * 6)


def test_publishing_needs_an_approval_first(policy, approver):
    with pytest.raises(TransitionNotAllowed, match="Approve it first"):
        ms_services.version_publish(actor=approver, version=draft_of(policy))


def test_new_version_supersedes_the_published_one(policy, approver, officer):
    v1 = published(policy, approver)
    v2 = ms_services.version_create(actor=officer, policy=policy, body="Second text")
    assert v2.number == 2
    ms_services.version_approve(actor=approver, version=v2)
    ms_services.version_publish(actor=approver, version=v2)
    v1.refresh_from_db()
    assert v1.status == Status.SUPERSEDED
    assert ms_services.published_version(policy) == v2


def test_one_version_in_progress_at_a_time(policy, officer, approver):
    with pytest.raises(TransitionNotAllowed) as exc:
        ms_services.version_create(actor=officer, policy=policy, body="Another")
    assert exc.value.status_code == 409
    ms_services.version_approve(actor=approver, version=draft_of(policy))
    with pytest.raises(TransitionNotAllowed):  # approved, not yet published: still in progress
        ms_services.version_create(actor=officer, policy=policy, body="Another")


def test_published_and_approved_versions_never_change(policy, approver, officer):
    version = published(policy, approver)
    with pytest.raises(TransitionNotAllowed):
        ms_services.version_update(actor=officer, version=version, data={"body": "Rewrite"})
    version.refresh_from_db()
    assert version.body == "We use AI responsibly."


def test_an_empty_text_is_a_field_error(officer):
    with pytest.raises(ValidationError) as exc:
        ms_services.policy_create(actor=officer, title="Empty", body="")
    assert "body" in exc.value.message_dict


# --- Acknowledgement ------------------------------------------------------------------------


def test_acknowledge_once(policy, approver, owner):
    version = published(policy, approver)
    ack, created = ms_services.policy_acknowledge(actor=owner, policy=policy)
    again, created_again = ms_services.policy_acknowledge(actor=owner, policy=policy)
    assert created and not created_again and again == ack
    assert PolicyAcknowledgement.objects.filter(version=version, user=owner).count() == 1
    assert ack.history.get().history_user == owner


def test_nothing_to_acknowledge_before_publication(policy, owner):
    with pytest.raises(TransitionNotAllowed) as exc:
        ms_services.policy_acknowledge(actor=owner, policy=policy)
    assert exc.value.code == "not_published"


def test_a_new_published_version_asks_again(policy, approver, officer, owner):
    published(policy, approver)
    ms_services.policy_acknowledge(actor=owner, policy=policy)
    assert list(ms_selectors.pending_acknowledgements(owner)) == []
    v2 = ms_services.version_create(actor=officer, policy=policy, body="New text")
    ms_services.version_approve(actor=approver, version=v2)
    ms_services.version_publish(actor=approver, version=v2)
    assert list(ms_selectors.pending_acknowledgements(owner)) == [v2]


def test_acknowledgement_status_lists_the_missing_active_users(
    policy, approver, owner, other_owner, officer
):
    other_owner.is_active = False
    other_owner.save()
    published(policy, approver)
    ms_services.policy_acknowledge(actor=owner, policy=policy)
    status = ms_selectors.acknowledgement_status(policy)
    assert [a.user for a in status.acknowledged] == [owner]
    assert owner not in status.missing and other_owner not in status.missing
    assert {officer, approver} <= set(status.missing)
    assert status.active_users == len(status.missing) + 1


# --- Scope ----------------------------------------------------------------------------------


def test_scope_is_one_record_and_an_edit_withdraws_approval(officer, approver, owner):
    scope = ms_services.scope_save(actor=officer, data={"statement": "All AI we build or buy."})
    again = ms_services.scope_save(actor=officer, data={"statement": "All AI we build or buy."})
    assert again.pk == scope.pk
    with pytest.raises(RuleForbidden):  # the last editor may not approve
        ms_services.scope_approve(actor=officer)
    scope = ms_services.scope_approve(actor=approver)
    assert scope.approved_by == approver
    with pytest.raises(TransitionNotAllowed):
        ms_services.scope_approve(actor=approver)
    scope = ms_services.scope_save(actor=officer, data={"exclusions": "Research sandboxes"})
    assert scope.approved_at is None
    assert "approval withdrawn" in scope.history.first().history_change_reason
    with pytest.raises(RuleForbidden):
        ms_services.scope_save(actor=owner, data={"statement": "x"})


def test_scope_counts_systems_in_scope(owner):
    make_system(owner, name="In scope")
    out = make_system(owner, name="Out of scope")
    type(out).objects.filter(pk=out.pk).update(in_aims_scope=False)
    assert list(ms_selectors.systems_in_scope().values_list("name", flat=True)) == ["In scope"]


# --- Registers ------------------------------------------------------------------------------


def test_register_records_are_kept_by_officers_and_deleted_with_history(officer, auditor):
    party = ms_services.party_save(
        actor=officer,
        data={"name": "Regulator", "category": "regulators", "requirements": "Transparency"},
    )
    assert party.owner == officer
    with pytest.raises(RuleForbidden):
        ms_services.party_save(actor=auditor, party=party, data={"name": "x"})
    ms_services.party_delete(actor=officer, party=party, reason="Merged with another entry")
    assert not InterestedParty.objects.exists()
    row = InterestedParty.history.order_by("-history_id").first()
    assert row.history_type == "-" and row.history_user == officer
    assert row.history_change_reason == "Merged with another entry"
    issue = ms_services.issue_save(
        actor=officer, data={"title": "Heat waves", "kind": "external", "category": "climate"}
    )
    with pytest.raises(ValidationError):
        ms_services.issue_save(actor=officer, issue=issue, data={"kind": "sideways"})
    assert ContextIssue.objects.get().kind == "external"


# --- Objectives -----------------------------------------------------------------------------


def objective(officer, **overrides) -> Objective:
    data = {
        "title": "Staff trained",
        "measure": "Share of staff with AI literacy training",
        "baseline": Decimal("20"),
        "target_value": Decimal("80"),
        "unit": "%",
        "due_date": timezone.localdate() + timedelta(days=90),
        **overrides,
    }
    return ms_services.objective_create(actor=officer, data=data)


def test_target_must_lie_in_the_better_direction(officer):
    with pytest.raises(ValidationError) as exc:
        objective(officer, target_value=Decimal("10"))
    assert "target_value" in exc.value.message_dict
    lower = objective(officer, baseline=Decimal("12"), target_value=Decimal("4"),
                      higher_is_better=False)  # fmt: skip
    assert lower.pk


def test_progress_readings_by_owner_and_officer(officer, owner, other_owner):
    obj = objective(officer, owner=owner)
    ms_services.objective_record_progress(actor=owner, objective=obj, value=Decimal("50"))
    obj.refresh_from_db()
    assert obj.current_value == Decimal("50")
    assert ms_selectors.progress_percent(obj) == 50  # 20 -> 80, at 50
    # An older reading does not replace the latest value.
    ms_services.objective_record_progress(
        actor=officer,
        objective=obj,
        value=Decimal("30"),
        recorded_on=timezone.localdate() - timedelta(days=30),
    )
    obj.refresh_from_db()
    assert obj.current_value == Decimal("50") and obj.updates.count() == 2
    with pytest.raises(RuleForbidden):
        ms_services.objective_record_progress(actor=other_owner, objective=obj, value=1)
    with pytest.raises(ValidationError):
        ms_services.objective_record_progress(
            actor=owner, objective=obj, value=1, recorded_on=date.today() + timedelta(days=2)
        )
    assert ObjectiveUpdate.objects.count() == 2


def test_progress_honours_lower_is_better_and_caps(officer):
    obj = objective(officer, baseline=Decimal("10"), target_value=Decimal("2"),
                    higher_is_better=False)  # fmt: skip
    obj.current_value = Decimal("6")
    assert ms_selectors.progress_percent(obj) == 50
    obj.current_value = Decimal("1")
    assert ms_selectors.progress_percent(obj) == 100
    obj.current_value = Decimal("14")
    assert ms_selectors.progress_percent(obj) == 0
    obj.baseline = None
    obj.current_value = Decimal("6")
    assert ms_selectors.progress_percent(obj) is None  # no baseline: unknown until met


def test_closed_objectives_take_no_readings_and_overdue_is_flagged(officer):
    obj = objective(officer, due_date=timezone.localdate() - timedelta(days=1))
    assert ms_selectors.is_overdue(obj)
    assert list(ms_selectors.objectives_at_risk(user=officer)) == [obj]
    obj = ms_services.objective_update(actor=officer, objective=obj, data={"status": "missed"})
    assert not ms_selectors.is_overdue(obj)
    assert "Missed" in obj.history.first().history_change_reason
    with pytest.raises(TransitionNotAllowed):
        ms_services.objective_record_progress(actor=officer, objective=obj, value=1)
