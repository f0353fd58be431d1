"""Bypass battery for change control of a system's components and datasets (issue 13, part 1).

A component is a model, provider or version the system depends on, a dataset data it learns
from or processes. From the intake gate on ("approved for development", as for the system's
own facts: one rule), adding or removing one, or editing its material facts, opens a change
request with the proposed values, through every route (API POST/PUT/PATCH/DELETE, the browser
forms, the admin); the records and their history stay as they were until someone entitled
decides. Before the intake gate (intake submitted) they are recorded in place.
"""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from aims.roles import APPROVER
from inventory import services
from inventory.models import AISystem, ChangeRequest, Component, Dataset, LifecycleStage
from tests.factories import HIGH_RISK_ANSWERS, release_classified, user_with_role

from .test_change_control import (
    Unchanged,
    api_url,
    approve_for_development,
    classify,
    proposed,
    validate,
)

pytestmark = pytest.mark.django_db

Stage = LifecycleStage
NEW_COMPONENT = {"name": "Re-ranker", "provider": "Acme", "model_identifier": "acme-rerank-2"}


@pytest.fixture
def high(system, owner, officer, approver, component, dataset):
    """A high-risk system released through the high tier's gate, with one component and one
    dataset."""
    system = release_classified(
        system, owner=owner, officer=officer, approver=approver, answers=HIGH_RISK_ANSWERS
    )
    assert system.lifecycle_stage == Stage.DEPLOYED
    return system


@pytest.fixture
def validating(system, owner, officer, approver, component, dataset):
    """A high-risk system in validation (round 1) with a passing accuracy test."""
    approve_for_development(system, officer, approver)
    services.system_transition(actor=owner, system=system, action="start_validation")
    system = classify(system, officer, HIGH_RISK_ANSWERS)
    validate(system, owner)
    assert system.lifecycle_stage == Stage.IN_VALIDATION and system.release_round == 1
    return AISystem.objects.get(pk=system.pk)


def counts() -> tuple[int, int, int, int]:
    return (
        Component.objects.count(),
        Component.history.count(),
        Dataset.objects.count(),
        Dataset.history.count(),
    )


# --- The rule -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage", "applies"),
    [("intake", False), ("approved", True), ("validation", True), ("deployed", True)],
)
def test_components_and_datasets_are_under_control_from_the_intake_gate_on(
    system, owner, officer, approver, component, dataset, stage, applies
):
    if stage != "intake":
        approve_for_development(system, officer, approver)
    if stage in ("validation", "deployed"):
        services.system_transition(actor=owner, system=system, action="start_validation")
    if stage == "deployed":
        validate(system, owner)
        services.approval_decide(actor=approver, system=system, decision="approve")
    for record in (component, dataset):
        assert services.change_control_applies(type(record).objects.get(pk=record.pk)) is applies
    added = services.material_changes(Component(system=system), NEW_COMPONENT, action="add")
    assert bool(added) is applies
    removed = services.material_changes(component, {}, action="remove")
    assert bool(removed) is applies


def test_before_the_intake_gate_components_are_recorded_in_place(api_as, owner, system):
    assert system.lifecycle_stage == Stage.INTAKE_SUBMITTED
    client = api_as(owner)
    response = client.post(
        api_url("component-list"), {"system": system.pk, **NEW_COMPONENT}, format="json"
    )
    assert response.status_code == 201
    pk = response.json()["id"]
    response = client.patch(
        api_url("component-detail", pk), {"model_identifier": "acme-rerank-3"}, format="json"
    )
    assert response.status_code == 200
    assert Component.objects.get(pk=pk).model_identifier == "acme-rerank-3"
    assert Component.history.filter(id=pk).count() == 2  # each edit kept in its history
    assert not ChangeRequest.objects.filter(system=system).exists()


# --- During development ("approved for development") ----------------------------------------


@pytest.fixture
def developing(system, officer, approver, component, dataset):
    """A system that passed its intake gate, with one component and one dataset."""
    system = approve_for_development(system, officer, approver)
    assert system.lifecycle_stage == Stage.APPROVED_FOR_DEVELOPMENT
    return system


def test_in_development_an_api_edit_of_a_component_model_opens_a_change_request(
    api_as, owner, developing, component
):
    guard, before = Unchanged(developing, component), counts()
    response = api_as(owner).patch(
        api_url("component-detail", component.pk),
        {"model_identifier": "acme-rank-2"},
        format="json",
    )
    assert response.status_code == 202
    body = response.json()
    assert body["change_request"]["target"] == "component"
    assert body["change_request"]["proposed_values"]["model_identifier"] == {
        "from": "acme-rank-1",
        "to": "acme-rank-2",
    }
    assert Component.objects.get(pk=component.pk).model_identifier == "acme-rank-1"
    assert counts() == before  # no new record, no new history row
    guard.check(new_changes=1)


def test_in_development_an_api_put_of_a_component_provider_opens_a_change_request(
    api_as, owner, developing, component
):
    guard, before = Unchanged(developing, component), counts()
    response = api_as(owner).put(
        api_url("component-detail", component.pk),
        {
            "kind": component.kind,
            "name": "Ranker",
            "provider": "Other vendor",
            "model_identifier": "acme-rank-1",
        },
        format="json",
    )
    assert response.status_code == 202
    assert counts() == before
    guard.check(new_changes=1)


def test_in_development_an_api_post_of_a_component_creates_nothing(api_as, owner, developing):
    guard, before = Unchanged(developing), counts()
    response = api_as(owner).post(
        api_url("component-list"), {"system": developing.pk, **NEW_COMPONENT}, format="json"
    )
    assert response.status_code == 202
    body = response.json()
    assert body["record"] is None
    assert body["change_request"]["target_action"] == "add"
    assert not Component.objects.filter(name=NEW_COMPONENT["name"]).exists()
    assert counts() == before
    guard.check(new_changes=1)


def test_in_development_an_api_delete_of_a_component_leaves_it_there(
    api_as, owner, developing, component
):
    guard, before = Unchanged(developing, component), counts()
    response = api_as(owner).delete(api_url("component-detail", component.pk))
    assert response.status_code == 202
    assert response.json()["change_request"]["target_action"] == "remove"
    assert Component.objects.filter(pk=component.pk).exists()
    assert counts() == before
    guard.check(new_changes=1)


def test_in_development_datasets_added_edited_or_removed_open_change_requests(
    api_as, owner, developing, dataset
):
    guard, before = Unchanged(developing, dataset), counts()
    client = api_as(owner)
    response = client.post(
        api_url("dataset-list"),
        {"system": developing.pk, "name": "Interview notes", "source": "HR system"},
        format="json",
    )
    assert response.status_code == 202
    response = client.patch(
        api_url("dataset-detail", dataset.pk), {"personal_data": "none"}, format="json"
    )
    assert response.status_code == 202
    assert client.delete(api_url("dataset-detail", dataset.pk)).status_code == 202
    assert counts() == before
    guard.check(new_changes=3)


def test_in_development_the_browser_edit_form_opens_a_change_request(
    client_as, owner, developing, component
):
    guard = Unchanged(developing, component)
    client = client_as(owner)
    response = client.post(
        reverse("inventory:component_edit", args=[developing.pk, component.pk]),
        {"kind": "model", "name": "Ranker", "provider": "Acme", "model_identifier": "v99"},
        follow=True,
    )
    text = response.content.decode()
    assert "not applied in place" in text and "v99" in text
    guard.check(new_changes=1)
    change = ChangeRequest.objects.get(system=developing)
    changes_tab = client.get(reverse("inventory:system_tab", args=[developing.pk, "changes"]))
    assert changes_tab.status_code == 200
    assert change.reference in changes_tab.content.decode()


def test_in_development_other_fields_are_edited_in_place(api_as, owner, developing, component):
    client = api_as(owner)
    response = client.patch(
        api_url("component-detail", component.pk),
        {"notes": "Pinned in the build", "name": "Ranker v1"},
        format="json",
    )
    assert response.status_code == 200
    record = Component.objects.get(pk=component.pk)
    assert (record.notes, record.name) == ("Pinned in the build", "Ranker v1")
    assert not ChangeRequest.objects.filter(system=developing).exists()


def test_in_development_a_material_decision_applies_and_leaves_the_release_gate_to_judge(
    owner, officer, developing, component
):
    """As for the system's own facts: nothing has been validated yet, so a material decision
    applies the values and the system stays in development; the release gate ahead judges
    them."""
    edited = services.child_edit(
        actor=owner, record=component, data={"model_identifier": "acme-rank-2"}
    )
    change = services.change_request_decide(
        actor=officer, change=edited.change, material=True, reason="Another model"
    )
    system = AISystem.objects.get(pk=developing.pk)
    assert change.status == ChangeRequest.Status.APPLIED
    assert Component.objects.get(pk=component.pk).model_identifier == "acme-rank-2"
    assert (system.lifecycle_stage, system.release_round) == (
        Stage.APPROVED_FOR_DEVELOPMENT,
        developing.release_round,
    )


# --- Adding and removing a component on a deployed system -----------------------------------


def test_api_post_of_a_component_opens_a_change_request(api_as, owner, high):
    guard, before = Unchanged(high), counts()
    response = api_as(owner).post(
        api_url("component-list"), {"system": high.pk, **NEW_COMPONENT}, format="json"
    )
    assert response.status_code == 202
    body = response.json()
    assert body["record"] is None
    assert body["change_request"]["target"] == "component"
    assert body["change_request"]["target_action"] == "add"
    assert body["change_request"]["proposed_values"]["model_identifier"] == {
        "from": None,
        "to": "acme-rerank-2",
    }
    assert counts() == before
    guard.check(new_changes=1)


def test_api_delete_of_a_component_opens_a_change_request(api_as, owner, high, component):
    guard, before = Unchanged(high, component), counts()
    response = api_as(owner).delete(api_url("component-detail", component.pk))
    assert response.status_code == 202
    assert response.json()["change_request"]["target_action"] == "remove"
    assert counts() == before
    guard.check(new_changes=1)


def test_browser_add_form_opens_a_change_request_and_shows_the_proposed_values(
    client_as, owner, high
):
    guard, before = Unchanged(high), counts()
    response = client_as(owner).post(
        reverse("inventory:component_add", args=[high.pk]),
        {"kind": "model", **NEW_COMPONENT},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse(
        "inventory:system_tab", args=[high.pk, "changes"]
    )
    text = response.content.decode()
    change = proposed(high)
    assert f"{change.reference} was opened" in text and "not applied in place" in text
    assert "acme-rerank-2" in text  # the proposed value, on the Changes tab
    assert counts() == before
    guard.check(new_changes=1)


def test_browser_removal_of_a_component_opens_a_change_request(client_as, owner, high, component):
    guard, before = Unchanged(high, component), counts()
    response = client_as(owner).post(
        reverse("inventory:component_delete", args=[high.pk, component.pk]), follow=True
    )
    text = response.content.decode()
    assert "not applied in place" in text and proposed(high).reference in text
    assert counts() == before
    guard.check(new_changes=1)


def test_admin_cannot_add_change_or_delete_a_component(client, high, component):
    guard, before = Unchanged(high, component), counts()
    root = get_user_model().objects.create_superuser("root_cmp", "root@example.org", "x")
    client.force_login(root)
    add = client.post(
        reverse("admin:inventory_component_add"), {"system": high.pk, **NEW_COMPONENT}
    )
    assert add.status_code == 403
    delete = client.post(
        reverse("admin:inventory_component_delete", args=[component.pk]), {"post": "yes"}
    )
    assert delete.status_code == 403
    assert counts() == before
    guard.check()


def test_someone_who_may_not_edit_the_system_is_refused_and_nothing_changes(
    api_as, high, component
):
    guard, before = Unchanged(high, component), counts()
    client = api_as(user_with_role(APPROVER))
    response = client.post(
        api_url("component-list"), {"system": high.pk, **NEW_COMPONENT}, format="json"
    )
    assert response.status_code in (400, 403, 404)
    assert client.delete(api_url("component-detail", component.pk)).status_code in (403, 404)
    assert counts() == before
    guard.check()


def test_the_owner_of_a_high_tier_system_cannot_decide_the_addition(api_as, owner, high):
    api_as(owner).post(
        api_url("component-list"), {"system": high.pk, **NEW_COMPONENT}, format="json"
    )
    change = proposed(high)
    guard, before = Unchanged(high, change), counts()
    response = api_as(owner).post(
        api_url("changerequest-decide", change.pk),
        {"material": False, "reason": "Just a helper model"},
        format="json",
    )
    assert response.status_code == 403
    assert response.json()["code"] == "materiality_needs_officer"
    assert counts() == before
    guard.check()


def test_a_decided_addition_creates_the_component(owner, officer, high):
    edited = services.child_edit(actor=owner, record=Component(system=high), data=NEW_COMPONENT)
    assert edited.record is None
    change = services.change_request_decide(
        actor=officer, change=edited.change, material=True, reason="A new model in the ranking"
    )
    created = Component.objects.get(pk=change.target_id)
    assert created.model_identifier == "acme-rerank-2" and created.system_id == high.pk
    system = AISystem.objects.get(pk=high.pk)
    assert system.lifecycle_stage == Stage.IN_VALIDATION and system.release_round == 2
    assert change.status == ChangeRequest.Status.IN_RELEASE_REVIEW


def test_a_decided_removal_removes_it_and_a_release_rejection_puts_it_back(
    owner, officer, approver, high, component
):
    change = services.child_delete(actor=owner, record=component)
    services.change_request_decide(
        actor=officer, change=change, material=True, reason="The ranking loses a model"
    )
    assert not Component.objects.filter(pk=component.pk).exists()
    assert Component.history.filter(id=component.pk, history_type="-").exists()
    services.approval_decide(
        actor=approver,
        system=AISystem.objects.get(pk=high.pk),
        decision="reject",
        comment="The ranking needs both models",
    )
    back = Component.objects.get(system=high, name="Ranker")
    assert back.model_identifier == "acme-rank-1"
    assert AISystem.objects.get(pk=high.pk).lifecycle_stage == Stage.DEPLOYED


# --- In validation --------------------------------------------------------------------------


def test_in_validation_a_component_model_edit_opens_a_change_request(
    api_as, owner, validating, component
):
    guard, before = Unchanged(validating, component), counts()
    response = api_as(owner).patch(
        api_url("component-detail", component.pk),
        {"model_identifier": "acme-rank-2"},
        format="json",
    )
    assert response.status_code == 202
    assert response.json()["change_request"]["proposed_values"]["model_identifier"] == {
        "from": "acme-rank-1",
        "to": "acme-rank-2",
    }
    assert counts() == before
    guard.check(new_changes=1)


def test_in_validation_datasets_added_edited_or_removed_open_change_requests(
    api_as, owner, validating, dataset
):
    guard, before = Unchanged(validating, dataset), counts()
    client = api_as(owner)
    response = client.post(
        api_url("dataset-list"),
        {"system": validating.pk, "name": "Interview notes", "source": "HR system"},
        format="json",
    )
    assert response.status_code == 202
    response = client.patch(
        api_url("dataset-detail", dataset.pk), {"source": "Another vendor"}, format="json"
    )
    assert response.status_code == 202
    assert client.delete(api_url("dataset-detail", dataset.pk)).status_code == 202
    assert counts() == before
    guard.check(new_changes=3)


def test_in_validation_the_browser_edit_form_opens_a_change_request(
    client_as, owner, validating, component
):
    guard = Unchanged(validating, component)
    response = client_as(owner).post(
        reverse("inventory:component_edit", args=[validating.pk, component.pk]),
        {"kind": "model", "name": "Ranker", "provider": "Acme", "model_identifier": "v99"},
        follow=True,
    )
    text = response.content.decode()
    assert "not applied in place" in text and "v99" in text
    guard.check(new_changes=1)


def test_in_validation_other_fields_are_edited_in_place(api_as, owner, validating, component):
    response = api_as(owner).patch(
        api_url("component-detail", component.pk),
        {"notes": "Pinned in the deployment"},
        format="json",
    )
    assert response.status_code == 200
    assert Component.objects.get(pk=component.pk).notes == "Pinned in the deployment"
    assert not ChangeRequest.objects.filter(system=validating).exists()


def test_in_validation_a_material_change_starts_a_new_release_round(
    owner, officer, validating, component
):
    edited = services.child_edit(
        actor=owner, record=component, data={"model_identifier": "acme-rank-2"}
    )
    services.change_request_decide(
        actor=officer, change=edited.change, material=True, reason="Another model: test again"
    )
    system = AISystem.objects.get(pk=validating.pk)
    assert Component.objects.get(pk=component.pk).model_identifier == "acme-rank-2"
    assert system.lifecycle_stage == Stage.IN_VALIDATION and system.release_round == 2
    # The accuracy test of round 1 was run on the old model: it no longer counts.
    assert any("accuracy" in b for b in map(str, services.gate_blockers(system, "release")))


def test_in_validation_a_change_decided_not_material_is_applied_in_the_same_round(
    owner, officer, validating, component
):
    edited = services.child_edit(actor=owner, record=component, data={"version": "1.0.1"})
    change = services.change_request_decide(
        actor=officer, change=edited.change, material=False, reason="A patch release"
    )
    assert change.status == ChangeRequest.Status.RECORDED
    assert Component.objects.get(pk=component.pk).version == "1.0.1"
    assert AISystem.objects.get(pk=validating.pk).release_round == 1
