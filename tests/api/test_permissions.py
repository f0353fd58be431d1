"""Who sees and writes what, per role and endpoint. Reads follow the selectors (others'
records answer 404); writes are refused with 403 for read-only roles whatever the payload."""

import pytest

from aims.evidence.services import evidence_create
from aims.models import Evidence
from inventory import services
from inventory.models import (
    Approval,
    ChangeRequest,
    Component,
    Dataset,
    GateSetting,
    ValidationRecord,
)

from ..factories import make_system
from .conftest import api_url, record_validation

pytestmark = pytest.mark.django_db

RESOURCES = (
    "system",
    "component",
    "dataset",
    "approval",
    "validationrecord",
    "changerequest",
    "evidence",
)


@pytest.fixture
def world(system, other_owner, advance, owner):
    """One record of every kind on the owner's system, and a system of another owner."""
    # Components and datasets are recorded before the intake gate: once it has passed, adding
    # one is a change request (change control).
    component = services.child_save(
        actor=owner, record=Component(system=system), data={"name": "GPT-x"}
    )
    dataset = services.child_save(
        actor=owner, record=Dataset(system=system), data={"name": "CVs", "source": "ATS export"}
    )
    advance(system, "deployed")
    records = {
        "system": system,
        "component": component,
        "dataset": dataset,
        "approval": Approval.objects.filter(system=system).first(),
        "validationrecord": ValidationRecord.objects.get(system=system),
        "changerequest": services.change_request_create(
            actor=owner,
            system=system,
            kind="prompt_change",
            title="Typo",
            description="Fix a typo",
            is_material=False,
        ),
        "evidence": evidence_create(
            actor=owner, target=system, title="DPIA", url="https://example.org/dpia"
        ),
    }
    other = make_system(other_owner, name="Other")
    records["other"] = {
        "system": other,
        "component": services.child_save(
            actor=other_owner, record=Component(system=other), data={"name": "o"}
        ),
        "evidence": evidence_create(
            actor=other_owner, target=other, title="x", url="https://example.org/x"
        ),
    }
    return records


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("role", ["officer", "approver", "auditor"])
def test_reading_roles_see_every_system_record(request, api_as, world, resource, role):
    client = api_as(request.getfixturevalue(role))
    listed = ids(client.get(api_url(f"{resource}-list")))
    assert world[resource].pk in listed
    if resource in world["other"]:
        assert world["other"][resource].pk in listed
    detail = client.get(api_url(f"{resource}-detail", world[resource].pk))
    assert detail.status_code == 200 and detail.json()["id"] == world[resource].pk


@pytest.mark.parametrize("resource", RESOURCES)
def test_owner_sees_only_own_records(api_as, world, owner, other_owner, resource):
    mine = ids(api_as(owner).get(api_url(f"{resource}-list")))
    assert world[resource].pk in mine
    theirs = ids(api_as(other_owner).get(api_url(f"{resource}-list")))
    assert world[resource].pk not in theirs
    if resource in world["other"]:
        assert world["other"][resource].pk in theirs
    assert mine.isdisjoint(theirs)
    detail = api_as(other_owner).get(api_url(f"{resource}-detail", world[resource].pk))
    assert detail.status_code == 404


@pytest.mark.parametrize("resource", RESOURCES)
def test_user_without_role_sees_nothing(api_as, world, nobody, resource):
    client = api_as(nobody)
    assert ids(client.get(api_url(f"{resource}-list"))) == set()
    assert client.get(api_url(f"{resource}-detail", world[resource].pk)).status_code == 404


def test_user_without_role_sees_no_gate_settings(api_as, nobody, owner, auditor):
    assert api_as(nobody).get(api_url("gatesetting-list")).json() == []
    assert api_as(owner).get(api_url("gatesetting-list")).json() == []
    gates = api_as(auditor).get(api_url("gatesetting-list")).json()
    assert [g["gate"] for g in gates] == ["intake", "release"]


def write_requests(world):
    system = world["system"]
    return [
        ("post", api_url("system-list"), {"name": "x"}),
        ("patch", api_url("system-detail", system.pk), {"name": "Renamed"}),
        ("post", api_url("system-transition", system.pk), {"action": "retire"}),
        ("post", api_url("system-decide", system.pk), {"decision": "approve"}),
        ("post", api_url("component-list"), {"system": system.pk, "name": "c"}),
        ("patch", api_url("component-detail", world["component"].pk), {"name": "c2"}),
        ("delete", api_url("component-detail", world["component"].pk), None),
        ("post", api_url("dataset-list"), {"system": system.pk, "name": "d", "source": "s"}),
        ("patch", api_url("dataset-detail", world["dataset"].pk), {"name": "d2"}),
        ("delete", api_url("dataset-detail", world["dataset"].pk), None),
        ("post", api_url("validationrecord-list"), {"system": system.pk}),
        ("post", api_url("changerequest-list"), {"system": system.pk}),
        ("patch", api_url("gatesetting-detail", "release"), {"required_approvals": 2}),
        ("post", api_url("evidence-list"), {"target_type": "inventory.aisystem"}),
    ]


def snapshot(world):
    system = world["system"]
    system.refresh_from_db()
    return (
        system.name,
        system.lifecycle_stage,
        Component.objects.filter(system=system).count(),
        Dataset.objects.filter(system=system).count(),
        Approval.objects.count(),
        ValidationRecord.objects.count(),
        ChangeRequest.objects.count(),
        GateSetting.objects.get(gate="release").required_approvals,
        Evidence.objects.count(),
    )


@pytest.mark.parametrize("role", ["auditor", "nobody"])
def test_read_only_roles_get_403_on_every_write(request, api_as, world, role):
    client = api_as(request.getfixturevalue(role))
    before = snapshot(world)
    for method, url, body in write_requests(world):
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 403, (method, url, response.content)
        assert response.json()["code"] == "permission_denied"
    assert snapshot(world) == before


def test_approver_cannot_edit_systems_or_their_records(api_as, world, approver):
    client = api_as(approver)
    system = world["system"]
    response = client.patch(api_url("system-detail", system.pk), {"name": "Mine"}, format="json")
    assert response.status_code == 403
    assert response.json()["message"] == "You may not edit this AI system."
    response = client.post(
        api_url("component-list"), {"system": system.pk, "name": "c"}, format="json"
    )
    assert response.status_code == 403
    response = client.post(api_url("system-transition", system.pk), {"action": "retire"})
    assert response.status_code == 403
    system.refresh_from_db()
    assert (system.name, system.lifecycle_stage) == ("CV screening assistant", "deployed")


def test_owner_cannot_write_to_anothers_system(api_as, world, other_owner):
    client = api_as(other_owner)
    system = world["system"]
    before = snapshot(world)
    for method, url, body in write_requests(world)[1:4] + [write_requests(world)[5]]:
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 404, (method, url, response.content)
    # A record naming a system the user cannot see is a field error, not a leak.
    response = client.post(
        api_url("component-list"), {"system": system.pk, "name": "c"}, format="json"
    )
    assert response.status_code == 400
    assert "system" in response.json()["extra"]["fields"]
    assert snapshot(world) == before


def test_officer_can_edit_any_system(api_as, world, officer):
    system = world["system"]
    response = api_as(officer).patch(
        api_url("system-detail", system.pk), {"known_risks": "Drift"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["known_risks"] == "Drift"


def test_owner_edits_own_records(api_as, world, owner):
    # The system is deployed: a note is edited in place; a version or a removal is a change
    # request (change control, tests/bypass/test_change_control.py).
    client = api_as(owner)
    response = client.patch(
        api_url("component-detail", world["component"].pk), {"notes": "pinned"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["notes"] == "pinned"
    response = client.patch(
        api_url("component-detail", world["component"].pk), {"version": "2"}, format="json"
    )
    assert response.status_code == 202
    assert response.json()["code"] == "change_request_opened"
    response = client.delete(api_url("dataset-detail", world["dataset"].pk))
    assert response.status_code == 202
    assert Dataset.objects.filter(pk=world["dataset"].pk).exists()


def test_record_validation_helper_needs_system_change_right(world, other_owner):
    from aims.errors import RuleForbidden

    with pytest.raises(RuleForbidden):
        record_validation(world["system"], other_owner)
