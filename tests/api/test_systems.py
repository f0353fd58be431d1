import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aims.models import Notification
from aims.people import display_name
from inventory import services
from inventory.models import AISystem, Approval, Component

from ..factories import INTAKE_DATA, make_system
from .conftest import api_url, record_validation

pytestmark = pytest.mark.django_db


# --- Intake -----------------------------------------------------------------------------------


def test_intake_creates_system_owned_by_actor_with_history(api_as, owner, officer):
    body = {**INTAKE_DATA, "vendor": "Acme", "model_name": "Acme Rank 2"}
    response = api_as(owner).post(api_url("system-list"), body, format="json")

    assert response.status_code == 201, response.content
    data = response.json()
    system = AISystem.objects.get(pk=data["id"])
    assert system.lifecycle_stage == "intake_submitted"
    assert system.owner == owner and system.submitted_by == owner
    assert data["reference"] == f"AIS-{system.pk:04d}"
    assert data["lifecycle_stage"] == "intake_submitted"
    assert data["lifecycle_stage_display"] == "Intake submitted"
    assert data["business_unit_display"] == "Human resources"
    assert data["owner_username"] == owner.username
    assert "vendor" not in data and "model_name" not in data
    component = Component.objects.get(system=system)
    assert (component.name, component.provider) == ("Acme Rank 2", "Acme")
    row = system.history.get()
    assert row.history_type == "+"
    assert row.history_user == owner
    assert row.history_change_reason == "Use-case intake submitted"
    assert Notification.objects.filter(recipient=officer).exists()


def test_owner_cannot_submit_on_behalf_of_another(api_as, owner, other_owner):
    body = {**INTAKE_DATA, "owner": other_owner.pk}
    response = api_as(owner).post(api_url("system-list"), body, format="json")
    assert response.status_code == 403
    assert "governance officer" in response.json()["message"]
    assert not AISystem.objects.exists()


def test_officer_submits_for_an_owner_who_then_sees_it(api_as, officer, owner):
    body = {**INTAKE_DATA, "owner": owner.pk}
    response = api_as(officer).post(api_url("system-list"), body, format="json")
    assert response.status_code == 201
    assert response.json()["owner_username"] == owner.username
    assert response.json()["submitted_by_username"] == officer.username
    listed = api_as(owner).get(api_url("system-list")).json()
    assert [row["id"] for row in listed["results"]] == [response.json()["id"]]


@pytest.mark.parametrize(
    "changes,bad_fields",
    [
        ({"business_unit": "space"}, {"business_unit"}),
        ({"name": None, "purpose": ""}, {"name", "purpose"}),
        ({"user_facing": "perhaps", "used_in_eu": [1]}, {"user_facing", "used_in_eu"}),
        ({"decision_impact": 3}, {"decision_impact"}),
        ({"owner": 999999}, {"owner"}),
        ({"owner": "me"}, {"owner"}),
        ({"name": "x" * 201}, {"name"}),
    ],
)
def test_bad_intake_answers_400_with_fields_and_saves_nothing(api_as, officer, changes, bad_fields):
    body = {**INTAKE_DATA, **changes}
    response = api_as(officer).post(api_url("system-list"), body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert set(response.json()["extra"]["fields"]) == bad_fields
    assert not AISystem.objects.exists()


def test_intake_with_missing_fields_lists_each(api_as, owner):
    response = api_as(owner).post(api_url("system-list"), {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {
        "name",
        "purpose",
        "business_unit",
        "deployment_type",
        "ai_technique",
        "decision_impact",
        "human_oversight",
    }


@pytest.mark.parametrize(
    "raw,content_type",
    [("{not json", "application/json"), ("[1, 2]", "application/json"), ("42", "application/json")],
)
def test_malformed_bodies_answer_400(api_as, owner, raw, content_type):
    response = api_as(owner).generic("POST", api_url("system-list"), raw, content_type)
    assert response.status_code == 400
    assert set(response.json()) == {"message", "code", "extra"}
    assert not AISystem.objects.exists()


@pytest.mark.parametrize(
    "body,field",
    [
        ({"review_cadence_months": 0}, "review_cadence_months"),
        ({"review_cadence_months": "twelve"}, "review_cadence_months"),
        ({"next_review_date": "next Tuesday"}, "next_review_date"),
        ({"owner": 999999}, "owner"),
        ({"human_oversight": "sometimes"}, "human_oversight"),
    ],
)
def test_bad_edit_answers_400_and_saves_nothing(api_as, officer, system, body, field):
    response = api_as(officer).patch(
        api_url("system-detail", system.pk), {"name": "Renamed", **body}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {field}
    system.refresh_from_db()
    assert system.name == "CV screening assistant"
    assert system.history.count() == 1


def test_review_fields_are_edited_after_intake(api_as, owner, system):
    response = api_as(owner).patch(
        api_url("system-detail", system.pk),
        {"review_cadence_months": 6, "next_review_date": "2026-09-30"},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["next_review_date"] == "2026-09-30"


def test_state_fields_are_not_writable(api_as, officer, system):
    response = api_as(officer).patch(
        api_url("system-detail", system.pk),
        {
            "lifecycle_stage": "deployed",
            "risk_tier": "high",
            "intake_round": 7,
            "release_round": 7,
            "returned_from_gate": "release",
            "name": "Renamed",
        },
        format="json",
    )
    # Refused with every state field named; nothing is saved, not even the rename.
    assert response.status_code == 400
    named = set(response.json()["extra"]["fields"])
    assert named == {
        "lifecycle_stage",
        "risk_tier",
        "intake_round",
        "release_round",
        "returned_from_gate",
    }
    system.refresh_from_db()
    assert system.name != "Renamed"
    assert (system.lifecycle_stage, system.risk_tier) == ("intake_submitted", "unclassified")
    assert (system.intake_round, system.release_round, system.returned_from_gate) == (1, 1, "")


def test_systems_cannot_be_deleted(api_as, officer, system):
    assert api_as(officer).delete(api_url("system-detail", system.pk)).status_code == 405
    assert AISystem.objects.filter(pk=system.pk).exists()


@pytest.mark.parametrize("path", ["/api/v1/systems/abc/", "/api/v1/systems/99999999999999999999/"])
def test_unparseable_or_huge_ids_answer_404(api_as, officer, system, path):
    assert api_as(officer).get(path).status_code == 404


# --- Edits and handover -----------------------------------------------------------------------


def test_owner_edits_own_system_and_history_records_it(api_as, owner, system):
    response = api_as(owner).patch(
        api_url("system-detail", system.pk), {"known_risks": "Drift"}, format="json"
    )
    assert response.status_code == 200
    row = system.history.first()
    assert (row.history_user, row.history_change_reason) == (owner, "Details edited")


def test_put_needs_the_full_record(api_as, owner, system):
    url = api_url("system-detail", system.pk)
    response = api_as(owner).put(url, {"name": "Only a name"}, format="json")
    assert response.status_code == 400
    assert "purpose" in response.json()["extra"]["fields"]
    response = api_as(owner).put(url, {**INTAKE_DATA, "name": "Full"}, format="json")
    assert response.status_code == 200
    assert response.json()["name"] == "Full"


def test_officer_hands_system_over(api_as, officer, owner, other_owner, system):
    response = api_as(officer).patch(
        api_url("system-detail", system.pk), {"owner": other_owner.pk}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["owner_username"] == other_owner.username
    assert api_as(owner).get(api_url("system-detail", system.pk)).status_code == 404
    detail = api_as(other_owner).get(api_url("system-detail", system.pk))
    assert detail.status_code == 200
    assert (detail.json()["reference"], detail.json()["owner"]) == (
        system.reference,
        other_owner.pk,
    )


def test_owner_cannot_hand_over_and_nothing_is_saved(api_as, owner, other_owner, system):
    response = api_as(owner).patch(
        api_url("system-detail", system.pk),
        {"name": "Renamed", "owner": other_owner.pk},
        format="json",
    )
    assert response.status_code == 403
    system.refresh_from_db()
    assert (system.name, system.owner) == ("CV screening assistant", owner)
    assert system.history.count() == 1


def test_owner_may_resend_own_owner_id(api_as, owner, system):
    response = api_as(owner).patch(
        api_url("system-detail", system.pk), {"owner": owner.pk, "name": "N"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["name"], response.json()["owner"]) == ("N", owner.pk)
    system.refresh_from_db()
    assert (system.name, system.owner) == ("N", owner)


def test_retired_system_cannot_be_edited(api_as, owner, system, advance):
    advance(system, "approved_for_development")
    services.system_transition(actor=owner, system=system, action="retire")
    response = api_as(owner).patch(
        api_url("system-detail", system.pk), {"name": "Zombie"}, format="json"
    )
    assert response.status_code == 409
    system.refresh_from_db()
    assert system.name == "CV screening assistant"


# --- Transitions ------------------------------------------------------------------------------


def test_transition_and_refused_transition(api_as, officer, system):
    url = api_url("system-transition", system.pk)
    response = api_as(officer).post(url, {"action": "start_triage"}, format="json")
    assert response.status_code == 200
    assert response.json()["lifecycle_stage"] == "in_triage"
    assert response.json()["open_gate"] == "intake"

    again = api_as(officer).post(url, {"action": "start_triage"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "transition_not_allowed"
    assert "not possible at stage 'In triage'" in again.json()["message"]


def test_transition_reason_is_recorded(api_as, officer, system):
    api_as(officer).post(
        api_url("system-transition", system.pk),
        {"action": "start_triage", "reason": "Queue of the week"},
        format="json",
    )
    assert system.history.first().history_change_reason == "Queue of the week"


def test_owner_cannot_triage(api_as, owner, system):
    response = api_as(owner).post(
        api_url("system-transition", system.pk), {"action": "start_triage"}, format="json"
    )
    assert response.status_code == 403
    system.refresh_from_db()
    assert system.lifecycle_stage == "intake_submitted"


def test_retire_at_intake_is_refused_with_409(api_as, owner, system):
    response = api_as(owner).post(
        api_url("system-transition", system.pk), {"action": "retire"}, format="json"
    )
    assert response.status_code == 409


@pytest.mark.parametrize("body", [{"action": "explode"}, {}, {"action": ["retire"]}])
def test_unknown_action_answers_400(api_as, officer, system, body):
    response = api_as(officer).post(api_url("system-transition", system.pk), body, format="json")
    assert response.status_code == 400
    assert "action" in response.json()["extra"]["fields"]


def test_detail_lists_the_actions_available_to_the_user(api_as, officer, owner, system):
    def actions(user):
        body = api_as(user).get(api_url("system-detail", system.pk)).json()
        return [a["action"] for a in body["available_actions"]]

    assert actions(officer) == ["start_triage"]
    assert actions(owner) == []


def test_request_changes_then_resubmit(api_as, officer, approver, owner, system, advance):
    advance(system, "in_triage")
    response = api_as(approver).post(
        api_url("system-decide", system.pk),
        {"decision": "request_changes", "comment": "Describe the affected groups."},
        format="json",
    )
    assert response.status_code == 201
    system.refresh_from_db()
    assert system.lifecycle_stage == "changes_requested"
    response = api_as(owner).post(
        api_url("system-transition", system.pk), {"action": "resubmit"}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["lifecycle_stage"] == "intake_submitted"
    assert response.json()["intake_round"] == 2


# --- Gates ------------------------------------------------------------------------------------


def test_approver_who_owns_the_system_is_refused(api_as, officer, approver):
    system = services.system_submit_intake(actor=officer, data=INTAKE_DATA, owner=approver)
    services.system_transition(actor=officer, system=system, action="start_triage")
    response = api_as(approver).post(
        api_url("system-decide", system.pk), {"decision": "approve"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "segregation_of_duties"
    assert not Approval.objects.exists()
    system.refresh_from_db()
    assert system.lifecycle_stage == "in_triage"


def test_decide_with_no_open_gate_is_409(api_as, approver, system):
    response = api_as(approver).post(
        api_url("system-decide", system.pk), {"decision": "approve"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "no_open_gate"


@pytest.mark.parametrize(
    "body,field",
    [
        ({"decision": "maybe"}, "decision"),
        ({}, "decision"),
        ({"decision": "approve_with_conditions"}, "conditions"),
        ({"decision": "reject", "comment": "  "}, "comment"),
        ({"decision": "request_changes"}, "comment"),
    ],
)
def test_bad_decisions_answer_400(api_as, approver, system, advance, body, field):
    advance(system, "in_triage")
    response = api_as(approver).post(api_url("system-decide", system.pk), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["extra"]["fields"]
    assert not Approval.objects.exists()


def test_deciding_twice_is_409(api_as, approver, system, advance, officer):
    services.gate_setting_update(actor=officer, gate="intake", required_approvals=2)
    advance(system, "in_triage")
    url = api_url("system-decide", system.pk)
    assert api_as(approver).post(url, {"decision": "approve"}, format="json").status_code == 201
    again = api_as(approver).post(url, {"decision": "approve"}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "already_decided"


def test_release_gate_refused_with_missing_validation(api_as, approver, owner, system, advance):
    advance(system, "in_validation")
    blockers = api_as(owner).get(api_url("system-release-blockers", system.pk)).json()
    assert blockers["ready"] is False
    assert len(blockers["blockers"]) == 1

    response = api_as(approver).post(
        api_url("system-decide", system.pk), {"decision": "approve"}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "release_prerequisites_missing"
    assert body["extra"]["missing"] == blockers["blockers"]
    assert "validation record" in body["message"]
    system.refresh_from_db()
    assert system.lifecycle_stage == "in_validation"


def test_failed_test_blocks_release_until_retested(api_as, approver, owner, system, advance):
    advance(system, "in_validation")
    failed = record_validation(system, owner, result="fail", test_type="bias")
    body = api_as(owner).get(api_url("system-release-blockers", system.pk)).json()
    assert body["ready"] is False
    assert failed.reference in body["blockers"][0]
    record_validation(system, owner, result="pass", test_type="bias")
    body = api_as(owner).get(api_url("system-release-blockers", system.pk)).json()
    assert body == {"ready": True, "blockers": []}


def test_two_approvals_required(api_as, officer, approver, approver2, system, advance):
    response = api_as(officer).patch(
        api_url("gatesetting-detail", "intake"), {"required_approvals": 2}, format="json"
    )
    assert response.status_code == 200
    advance(system, "in_triage")
    url = api_url("system-decide", system.pk)
    api_as(approver).post(url, {"decision": "approve"}, format="json")
    system.refresh_from_db()
    assert system.lifecycle_stage == "in_triage"
    response = api_as(approver2).post(
        url,
        {
            "decision": "approve_with_conditions",
            "conditions": "Log every use",
            "conditions_due_on": "2099-01-31",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["decision_display"] == "Approve with conditions"
    system.refresh_from_db()
    assert system.lifecycle_stage == "approved_for_development"


# --- The whole path ---------------------------------------------------------------------------


def test_happy_path_through_the_api(api_as, owner, officer, approver):
    intake = api_as(owner).post(api_url("system-list"), INTAKE_DATA, format="json")
    assert intake.status_code == 201
    pk = intake.json()["id"]

    def post(user, name, body, **kwargs):
        response = api_as(user).post(
            api_url(name, *kwargs.get("args", (pk,))),
            body,
            **{"format": kwargs.get("format", "json")},
        )
        assert response.status_code in (200, 201), response.content
        return response.json()

    assert post(officer, "system-transition", {"action": "start_triage"})["lifecycle_stage"] == (
        "in_triage"
    )
    approval = post(approver, "system-decide", {"decision": "approve", "comment": "Fine"})
    assert (approval["gate"], approval["approver_username"]) == ("intake", approver.username)
    assert (
        post(owner, "system-transition", {"action": "start_validation"})["lifecycle_stage"]
        == "in_validation"
    )

    from django.core.files.uploadedfile import SimpleUploadedFile

    report = SimpleUploadedFile("bias-report.pdf", b"%PDF-1.4 results", "application/pdf")
    record = post(
        owner,
        "validationrecord-list",
        {
            "system": pk,
            "test_type": "bias",
            "title": "Four-fifths rule",
            "method": "Selection rates by sex and age band",
            "result": "pass",
            "performed_on": "2026-02-01",
            "evidence_file": report,
        },
        args=(),
        format="multipart",
    )
    assert record["performed_by_username"] == owner.username
    assert api_as(owner).get(api_url("system-release-blockers", pk)).json()["ready"] is True

    release = post(approver, "system-decide", {"decision": "approve"})
    assert release["gate"] == "release"
    detail = api_as(owner).get(api_url("system-detail", pk)).json()
    assert detail["lifecycle_stage"] == "deployed"
    assert detail["lifecycle_stage_display"] == "Approved for release (deployed)"
    approvals = api_as(owner).get(api_url("approval-list"), {"system": pk}).json()
    assert approvals["count"] == 2
    evidence = (
        api_as(owner)
        .get(api_url("evidence-list"), {"target_type": "inventory.validationrecord"})
        .json()
    )
    assert evidence["results"][0]["original_filename"] == "bias-report.pdf"


def test_material_change_sends_deployed_system_back_to_validation(api_as, owner, deployed_system):
    response = api_as(owner).post(
        api_url("changerequest-list"),
        {
            "system": deployed_system.pk,
            "kind": "model_update",
            "title": "Move to Rank 3",
            "description": "New model version",
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["status"] == "in_release_review"
    assert response.json()["is_material"] is True
    system = api_as(owner).get(api_url("system-detail", deployed_system.pk)).json()
    assert (system["lifecycle_stage"], system["release_round"]) == ("in_validation", 2)


def test_minor_change_keeps_system_deployed(api_as, owner, deployed_system):
    response = api_as(owner).post(
        api_url("changerequest-list"),
        {
            "system": deployed_system.pk,
            "kind": "prompt_change",
            "title": "Typo",
            "description": "Fix",
            "is_material": False,
        },
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["status_display"] == "Recorded (not material)"
    deployed_system.refresh_from_db()
    assert deployed_system.lifecycle_stage == "deployed"


def test_change_request_on_undeployed_system_is_409(api_as, owner, system):
    response = api_as(owner).post(
        api_url("changerequest-list"),
        {"system": system.pk, "kind": "model_update", "title": "t", "description": "d"},
        format="json",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "not_deployed"


def test_status_of_change_request_is_not_writable(api_as, owner, deployed_system):
    response = api_as(owner).post(
        api_url("changerequest-list"),
        {
            "system": deployed_system.pk,
            "kind": "model_update",
            "title": "t",
            "description": "d",
            "status": "released",
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["status"]
    assert not deployed_system.change_requests.exists()


# --- List: filters, sort, pagination, queries -------------------------------------------------


@pytest.fixture
def three_systems(owner, other_owner):
    return [
        make_system(owner, name="Alpha chatbot", business_unit="customer_service"),
        make_system(owner, name="Beta scorer", business_unit="finance"),
        make_system(other_owner, name="Gamma vision", deployment_type="in_house"),
    ]


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    "params,expected",
    [
        ({}, ["Alpha chatbot", "Beta scorer", "Gamma vision"]),
        ({"q": "scor"}, ["Beta scorer"]),
        ({"business_unit": "finance"}, ["Beta scorer"]),
        ({"deployment_type": "in_house"}, ["Gamma vision"]),
        ({"lifecycle_stage": "in_triage"}, ["Alpha chatbot"]),
        ({"risk_tier": "high"}, []),
        ({"sort": "-name"}, ["Gamma vision", "Beta scorer", "Alpha chatbot"]),
        ({"review_overdue": "true"}, []),
    ],
)
def test_list_filters(api_as, officer, three_systems, advance, params, expected):
    advance(three_systems[0], "in_triage")
    assert names(api_as(officer).get(api_url("system-list"), params)) == expected


def test_search_by_reference(api_as, officer, three_systems):
    gamma = three_systems[2]
    client = api_as(officer)
    for query in (gamma.reference, gamma.reference.lower().replace("-000", "-")):
        assert names(client.get(api_url("system-list"), {"q": query})) == ["Gamma vision"]


def test_owner_filter(api_as, officer, other_owner, three_systems):
    response = api_as(officer).get(api_url("system-list"), {"owner": other_owner.pk})
    assert names(response) == ["Gamma vision"]


def test_filters_apply_within_the_users_reach(api_as, owner, three_systems):
    assert names(api_as(owner).get(api_url("system-list"), {"q": "Gamma"})) == []


@pytest.mark.parametrize(
    "params,field",
    [
        ({"lifecycle_stage": "launched"}, "lifecycle_stage"),
        ({"owner": "abc"}, "owner"),
        ({"sort": "purpose"}, "sort"),
        ({"review_overdue": "sometimes"}, "review_overdue"),
    ],
)
def test_bad_filters_answer_400(api_as, officer, params, field):
    response = api_as(officer).get(api_url("system-list"), params)
    assert response.status_code == 400
    assert field in response.json()["extra"]["fields"]


def test_bad_page_answers_404_not_500(api_as, officer, system):
    assert api_as(officer).get(api_url("system-list"), {"page": "x"}).status_code == 404
    assert api_as(officer).get(api_url("system-list"), {"page": 9}).status_code == 404


def test_page_size_default_and_cap(api_as, officer, owner):
    for i in range(105):
        make_system(owner, name=f"System {i}")
    client = api_as(officer)
    default = client.get(api_url("system-list")).json()
    assert (default["count"], len(default["results"])) == (105, 25)
    capped = client.get(api_url("system-list"), {"page_size": 1000}).json()
    assert len(capped["results"]) == 100
    assert capped["next"] is not None


def list_queries(client, user, url) -> int:
    # A fresh user object per request, as with token authentication: no warm caches.
    client.force_authenticate(type(user).objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"page_size": 100})
    assert response.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("role", ["officer", "owner"])
def test_systems_list_queries_do_not_grow_with_rows(request, api_as, owner, role):
    user = request.getfixturevalue(role)
    client = api_as(user)
    for _ in range(5):
        make_system(owner)
    few = list_queries(client, user, api_url("system-list"))
    for _ in range(25):
        make_system(owner)
    many = list_queries(client, user, api_url("system-list"))
    assert client.get(api_url("system-list"), {"page_size": 100}).json()["count"] == 30
    assert few == many
    assert many <= 6


# --- History ----------------------------------------------------------------------------------


def test_history_shows_the_actors(api_as, owner, officer, approver, system, advance, auditor):
    # A component is recorded in place before the intake gate (a change request after it).
    response = api_as(owner).post(
        api_url("component-list"), {"system": system.pk, "name": "Rank"}, format="json"
    )
    assert response.status_code == 201
    advance(system, "approved_for_development")
    # Not a material fact (those open a change request once past the intake gate).
    api_as(officer).patch(api_url("system-detail", system.pk), {"user_facing": True}, format="json")
    response = api_as(auditor).get(api_url("system-history", system.pk))
    assert response.status_code == 200
    entries = response.json()["results"]
    assert response.json()["count"] == len(entries) == 6

    latest = entries[0]
    assert latest["history_user"] == officer.username
    assert latest["object_reference"] == system.reference
    assert latest["changes"] == [
        {"field": "user_facing", "label": "User facing", "old": "No", "new": "Yes"}
    ]
    by_reason = {e["history_change_reason"]: e for e in entries}
    intake = by_reason["Use-case intake submitted"]
    assert (intake["history_type"], intake["history_user"]) == ("+", owner.username)
    triage = by_reason["Start triage: Intake submitted -> In triage"]
    assert triage["history_user"] == officer.username
    assert {
        "field": "lifecycle_stage",
        "label": "Lifecycle stage",
        "old": "Intake submitted",
        "new": "In triage",
    } in triage["changes"]
    approval = next(e for e in entries if e["model"] == "inventory.approval")
    assert (approval["history_user"], approval["model_name"]) == (approver.username, "Approval")
    component = next(e for e in entries if e["model"] == "inventory.component")
    assert (component["history_user"], component["object_repr"]) == (owner.username, "Rank")


def test_history_shows_handover_as_usernames(api_as, officer, other_owner, owner, system):
    api_as(officer).patch(
        api_url("system-detail", system.pk), {"owner": other_owner.pk}, format="json"
    )
    latest = api_as(officer).get(api_url("system-history", system.pk)).json()["results"][0]
    assert latest["changes"] == [
        {
            "field": "owner",
            "label": "Owner",
            "old": display_name(owner),
            "new": display_name(other_owner),
        }
    ]


def test_history_of_anothers_system_is_404(api_as, other_owner, nobody, system):
    assert api_as(other_owner).get(api_url("system-history", system.pk)).status_code == 404
    assert api_as(nobody).get(api_url("system-history", system.pk)).status_code == 404


def test_history_queries_do_not_grow_with_rows(api_as, officer, owner, system, advance):
    client = api_as(officer)
    url = api_url("system-history", system.pk)
    # A page costs a fixed number of queries per history table on it (aims.history_diff
    # HistoryPages): bring every kind of record onto the page first, then add rows.
    advance(system, "deployed")
    list_queries(client, officer, url)  # warm the content-type cache
    few = list_queries(client, officer, url)
    for i in range(5):
        services.system_update(actor=owner, system=system, data={"known_risks": f"r{i}"})
    many = list_queries(client, officer, url)
    assert few == many
