"""The management-system API: the same rules as the pages — 400 with field errors, 403 for
read-only roles and segregation of duties, 409 for refused transitions, acknowledgement once,
and a constant number of queries on lists."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from aims.models import AIMSScope, ContextIssue, InterestedParty, Objective, PolicyVersion
from aims.ms import services as ms_services

pytestmark = pytest.mark.django_db


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def policy(officer):
    return ms_services.policy_create(actor=officer, title="AI policy", body="Text v1")


def objective_payload(**overrides) -> dict:
    return {
        "title": "Staff trained",
        "measure": "Share of staff trained",
        "baseline": "10.00",
        "target_value": "90.00",
        "unit": "%",
        "due_date": (timezone.localdate() + timedelta(days=60)).isoformat(),
        **overrides,
    }


# --- Scope ----------------------------------------------------------------------------------


def test_scope_put_get_approve(officer, approver, auditor, owner):
    client = as_user(officer)
    assert client.get("/api/v1/scope/").status_code == 404
    response = client.put("/api/v1/scope/", {"statement": ""}, format="json")
    assert response.status_code == 400
    assert "statement" in response.json()["extra"]["fields"]
    response = client.put("/api/v1/scope/", {"statement": "All AI"}, format="json")
    assert response.status_code == 200 and response.json()["owner"] == officer.pk
    response = client.patch("/api/v1/scope/", {"exclusions": "Labs"}, format="json")
    assert response.json()["statement"] == "All AI" and response.json()["exclusions"] == "Labs"
    response = client.post("/api/v1/scope/approve/")
    assert response.status_code == 403 and response.json()["code"] == "segregation_of_duties"
    response = as_user(approver).post("/api/v1/scope/approve/")
    assert response.status_code == 200 and response.json()["approved_by"] == approver.pk
    assert as_user(approver).post("/api/v1/scope/approve/").status_code == 409
    assert as_user(owner).get("/api/v1/scope/").status_code == 200
    assert as_user(auditor).patch("/api/v1/scope/", {"statement": "x"}).status_code == 403
    history = as_user(auditor).get("/api/v1/scope/history/").json()
    assert history[0]["history_change_reason"].startswith("Approved by")
    assert AIMSScope.objects.count() == 1


# --- Registers ------------------------------------------------------------------------------


def test_party_crud_and_auditor_read_only(officer, auditor, owner):
    client = as_user(officer)
    response = client.post(
        "/api/v1/interested-parties/",
        {"name": "Regulator", "category": "alien", "requirements": "Reports"},
        format="json",
    )
    assert response.status_code == 400 and "category" in response.json()["extra"]["fields"]
    response = client.post(
        "/api/v1/interested-parties/",
        {"name": "Regulator", "category": "regulators", "requirements": "Reports"},
        format="json",
    )
    assert response.status_code == 201
    pk = response.json()["id"]
    response = client.patch(f"/api/v1/interested-parties/{pk}/", {"name": "Market authority"})
    assert response.json()["name"] == "Market authority"
    auditor_client = as_user(auditor)
    assert auditor_client.get(f"/api/v1/interested-parties/{pk}/").status_code == 200
    assert auditor_client.delete(f"/api/v1/interested-parties/{pk}/").status_code == 403
    assert auditor_client.post("/api/v1/interested-parties/", {}).status_code == 403
    assert as_user(owner).get("/api/v1/interested-parties/").status_code == 403
    assert client.delete(f"/api/v1/interested-parties/{pk}/").status_code == 204
    assert not InterestedParty.objects.exists()


def test_issue_filters(officer):
    for title, kind, category in (
        ("Heat waves", "external", "climate"),
        ("Skills gap", "internal", "resources"),
    ):
        ms_services.issue_save(
            actor=officer, data={"title": title, "kind": kind, "category": category}
        )
    client = as_user(officer)
    body = client.get("/api/v1/context-issues/?category=climate").json()
    assert [i["title"] for i in body["results"]] == ["Heat waves"]
    body = client.get("/api/v1/context-issues/?q=skills").json()
    assert [i["title"] for i in body["results"]] == ["Skills gap"]
    assert ContextIssue.objects.count() == 2


# --- Policies -------------------------------------------------------------------------------


def test_policy_workflow_over_the_api(officer, approver, owner, auditor, nobody):
    client = as_user(officer)
    response = client.post("/api/v1/policies/", {"title": "AI policy"}, format="json")
    assert response.status_code == 400 and "body" in response.json()["extra"]["fields"]
    response = client.post(
        "/api/v1/policies/", {"title": "AI policy", "body": "Be careful"}, format="json"
    )
    assert response.status_code == 201
    policy = response.json()
    version_id = policy["version_in_progress"]["id"]
    assert policy["published_version"] is None and policy["reference"].startswith("POL-")
    # A second draft while one is in progress: 409 with the reason.
    response = client.post(f"/api/v1/policies/{policy['id']}/versions/", {"body": "More"})
    assert response.status_code == 409 and response.json()["code"] == "version_in_progress"
    # The drafter may not approve: 403; the auditor is stopped by the gate: 403.
    response = client.post(f"/api/v1/policy-versions/{version_id}/approve/")
    assert response.status_code == 403 and response.json()["code"] == "segregation_of_duties"
    assert (
        as_user(auditor).post(f"/api/v1/policy-versions/{version_id}/approve/").status_code == 403
    )
    # Publishing before approval: 409.
    approver_client = as_user(approver)
    response = approver_client.post(f"/api/v1/policy-versions/{version_id}/publish/")
    assert response.status_code == 409
    assert approver_client.post(f"/api/v1/policy-versions/{version_id}/approve/").status_code == 200
    response = approver_client.post(f"/api/v1/policy-versions/{version_id}/publish/")
    assert response.status_code == 200 and response.json()["status"] == "published"
    # Published text is immutable.
    response = client.patch(f"/api/v1/policy-versions/{version_id}/", {"body": "Changed"})
    assert response.status_code == 409
    # Every user acknowledges once.
    nobody_client = as_user(nobody)
    pending = nobody_client.get("/api/v1/policies/to-acknowledge/").json()
    assert [v["id"] for v in pending] == [version_id] and pending[0]["body"] == "Be careful"
    url = f"/api/v1/policies/{policy['id']}/acknowledge/"
    first = nobody_client.post(url)
    assert first.status_code == 201 and first.json()["created"] is True
    again = nobody_client.post(url)
    assert again.status_code == 200 and again.json()["created"] is False
    assert again.json()["id"] == first.json()["id"]
    assert nobody_client.get("/api/v1/policies/to-acknowledge/").json() == []
    assert nobody_client.get("/api/v1/policies/").status_code == 403
    status = client.get(f"/api/v1/policies/{policy['id']}/acknowledgements/").json()
    assert status["acknowledged_count"] == 1
    assert nobody.username not in [u["username"] for u in status["missing"]]
    assert officer.username in [u["username"] for u in status["missing"]]
    assert (
        as_user(owner).get(f"/api/v1/policies/{policy['id']}/acknowledgements/").status_code == 403
    )


def test_acknowledging_an_unpublished_policy_is_409(policy, owner):
    response = as_user(owner).post(f"/api/v1/policies/{policy.pk}/acknowledge/")
    assert response.status_code == 409 and response.json()["code"] == "not_published"


def test_policy_and_version_lists_have_constant_queries(
    officer, approver, django_assert_max_num_queries
):
    client = as_user(officer)
    for n in range(15):
        policy = ms_services.policy_create(actor=officer, title=f"Policy {n}", body="Text")
        version = policy.versions.get()
        ms_services.version_approve(actor=approver, version=version)
        ms_services.version_publish(actor=approver, version=version)
    with django_assert_max_num_queries(8):
        body = client.get("/api/v1/policies/").json()
    assert body["count"] == 15 and body["results"][0]["published_version"]["number"] == 1
    with django_assert_max_num_queries(8):
        assert client.get("/api/v1/policy-versions/").json()["count"] == 15
    assert PolicyVersion.objects.count() == 15


# --- Objectives -----------------------------------------------------------------------------


def test_objectives_create_progress_and_permissions(officer, owner, other_owner, auditor, nobody):
    client = as_user(officer)
    response = client.post(
        "/api/v1/objectives/", objective_payload(target_value="5.00"), format="json"
    )
    assert response.status_code == 400 and "target_value" in response.json()["extra"]["fields"]
    response = client.post("/api/v1/objectives/", objective_payload(owner=owner.pk), format="json")
    assert response.status_code == 201
    pk = response.json()["id"]
    owner_client = as_user(owner)
    response = owner_client.post(f"/api/v1/objectives/{pk}/updates/", {"value": "50"})
    assert response.status_code == 201
    body = owner_client.get(f"/api/v1/objectives/{pk}/").json()
    assert body["current_value"] == "50.00" and body["progress_percent"] == 50
    assert owner_client.patch(f"/api/v1/objectives/{pk}/", {"title": "x"}).status_code == 403
    response = as_user(other_owner).post(f"/api/v1/objectives/{pk}/updates/", {"value": "1"})
    assert response.status_code == 403
    assert (
        as_user(auditor).post(f"/api/v1/objectives/{pk}/updates/", {"value": "1"}).status_code
        == 403
    )
    assert as_user(nobody).get(f"/api/v1/objectives/{pk}/").status_code == 404
    response = owner_client.post(f"/api/v1/objectives/{pk}/updates/", {"value": "zero"})
    assert response.status_code == 400 and "value" in response.json()["extra"]["fields"]
    client.patch(f"/api/v1/objectives/{pk}/", {"status": "cancelled"}, format="json")
    response = owner_client.post(f"/api/v1/objectives/{pk}/updates/", {"value": "60"})
    assert response.status_code == 409 and response.json()["code"] == "objective_closed"
    assert len(owner_client.get(f"/api/v1/objectives/{pk}/updates/").json()) == 1


def test_objective_list_has_constant_queries(officer, owner, django_assert_max_num_queries):
    for n in range(20):
        ms_services.objective_create(
            actor=officer,
            data={
                "title": f"Objective {n}",
                "measure": "m",
                "target_value": n + 1,
                "owner": owner,
                "due_date": timezone.localdate() - timedelta(days=n),
            },
        )
    client = as_user(officer)
    with django_assert_max_num_queries(6):
        body = client.get("/api/v1/objectives/?overdue=true").json()
    assert body["count"] == 19 and all(o["overdue"] for o in body["results"])
    assert Objective.objects.count() == 20
