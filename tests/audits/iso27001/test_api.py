"""The API of the ISO/IEC 27001 controls and mappings: list/retrieve/update controls, propose,
review and reject mappings; field errors are 400, refused decisions 409 (403 for the
proposer), read-only roles 403; both routes are in the OpenAPI schema."""

import pytest

from audits.models import ControlMapping

from .helpers import control, suggestion

pytestmark = pytest.mark.django_db

CONTROLS = "/api/v1/iso27001-controls/"
MAPPINGS = "/api/v1/iso27001-mappings/"


def test_controls_list_filter_retrieve_and_update(api_as, officer):
    api = api_as(officer)
    listed = api.get(CONTROLS, {"theme": "physical"}).json()
    assert listed["count"] == 14
    c = control("8.15")
    assert api.get(f"{CONTROLS}{c.pk}/").json()["code"] == "8.15"
    patched = api.patch(
        f"{CONTROLS}{c.pk}/",
        {"implementation_status": "implemented", "owner": officer.pk},
        format="json",
    )
    assert patched.status_code == 200, patched.json()
    assert patched.json()["implementation_status"] == "implemented"
    assert patched.json()["supplies_evidence"] is True
    bad = api.patch(f"{CONTROLS}{c.pk}/", {"implementation_status": "done"}, format="json")
    assert bad.status_code == 400 and "implementation_status" in bad.json()["extra"]["fields"]
    readonly = api.patch(f"{CONTROLS}{c.pk}/", {"code": "9.9"}, format="json")
    assert readonly.status_code == 400 and "code" in readonly.json()["extra"]["fields"]
    assert api.get(f"{CONTROLS}{c.pk}/").json()["code"] == "8.15"


def test_mapping_create_review_and_refusals(api_as, officer, officer2):
    api = api_as(officer)
    body = {
        "security_control_code": "8.16",
        "item_code": "A.9.2",
        "rationale": "Monitoring shows use stays responsible.",
        "source": "own_analysis",
    }
    unknown = api.post(MAPPINGS, {**body, "item_code": "Z.1"}, format="json")
    assert unknown.status_code == 400 and "item_code" in unknown.json()["extra"]["fields"]
    unknown_control = api.post(MAPPINGS, {**body, "security_control_code": "9.1"}, format="json")
    assert "security_control_code" in unknown_control.json()["extra"]["fields"]
    status_field = api.post(MAPPINGS, {**body, "status": "reviewed"}, format="json")
    assert status_field.status_code == 400 and "status" in status_field.json()["extra"]["fields"]
    created = api.post(MAPPINGS, body, format="json")
    assert created.status_code == 201, created.json()
    mapping = created.json()
    assert mapping["status"] == "proposed" and mapping["proposed_by"] == officer.pk
    duplicate = api.post(MAPPINGS, body, format="json")
    assert duplicate.status_code == 400 and "item_code" in duplicate.json()["extra"]["fields"]

    own = api.post(f"{MAPPINGS}{mapping['id']}/review/", {}, format="json")
    assert own.status_code == 403 and own.json()["code"] == "segregation_of_duties"
    reviewed = api_as(officer2).post(f"{MAPPINGS}{mapping['id']}/review/", {"note": "ok"})
    assert reviewed.status_code == 200
    assert reviewed.json()["status"] == "reviewed"
    assert reviewed.json()["reviewed_by_username"] == officer2.username
    rows = ControlMapping.objects.get(pk=mapping["id"]).history.count()
    again = api_as(officer2).post(f"{MAPPINGS}{mapping['id']}/review/", {})
    assert again.status_code == 409 and again.json()["code"] == "mapping_decided"
    assert ControlMapping.objects.get(pk=mapping["id"]).history.count() == rows


def test_reject_needs_a_reason(api_as, officer):
    api = api_as(officer)
    mapping = suggestion("5.19", "A.10.3")
    empty = api.post(f"{MAPPINGS}{mapping.pk}/reject/", {}, format="json")
    assert empty.status_code == 400 and "reason" in empty.json()["extra"]["fields"]
    done = api.post(f"{MAPPINGS}{mapping.pk}/reject/", {"reason": "No"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "rejected"
    again = api.post(f"{MAPPINGS}{mapping.pk}/reject/", {"reason": "No"}, format="json")
    assert again.status_code == 409


def test_readers_are_refused_writes_and_others_reads(api_as, auditor, approver, owner):
    c = control("8.15")
    mapping = suggestion("8.15", "A.6.2.8")
    for user in (auditor, approver):
        api = api_as(user)
        assert api.get(MAPPINGS).status_code == 200
        assert (
            api.patch(f"{CONTROLS}{c.pk}/", {"applicable": False}, format="json").status_code == 403
        )
        assert api.post(f"{MAPPINGS}{mapping.pk}/review/", {}).status_code == 403
        assert api.post(MAPPINGS, {}, format="json").status_code == 403
    assert api_as(owner).get(CONTROLS).json()["count"] == 0  # nothing leaks
    assert api_as(owner).get(f"{MAPPINGS}{mapping.pk}/").status_code == 404
    assert ControlMapping.objects.get(pk=mapping.pk).status == "proposed"


def test_lists_are_bounded(api_as, officer, django_assert_max_num_queries):
    api = api_as(officer)
    with django_assert_max_num_queries(8):
        assert api.get(MAPPINGS, {"page_size": 100}).status_code == 200
    with django_assert_max_num_queries(8):
        assert api.get(CONTROLS, {"page_size": 100}).status_code == 200


def test_routes_are_in_the_schema(api_as, officer):
    schema = api_as(officer).get("/api/schema/", {"format": "json"}).json()
    paths = schema["paths"]
    assert "/api/v1/iso27001-controls/{id}/" in paths
    assert "/api/v1/iso27001-mappings/{id}/review/" in paths
    assert "/api/v1/iso27001-mappings/{id}/reject/" in paths
