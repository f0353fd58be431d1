"""Components, datasets, validation records, change requests and approvals."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aims.models import Evidence
from inventory import services
from inventory.models import Component, Dataset, ValidationRecord

from ..factories import make_system
from .conftest import api_url

pytestmark = pytest.mark.django_db

VALIDATION = {
    "test_type": "accuracy",
    "title": "Holdout accuracy",
    "method": "500 labelled CVs; precision@10",
    "result": "pass",
    "performed_on": "2026-02-01",
}


def test_owner_adds_edits_and_removes_a_component(api_as, owner, system):
    client = api_as(owner)
    created = client.post(
        api_url("component-list"),
        {"system": system.pk, "kind": "api", "name": "Rank API", "version": "1"},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["reference"] == f"CMP-{body['id']:04d}"
    assert (body["kind_display"], body["system_reference"]) == (
        "Hosted model API",
        system.reference,
    )

    url = api_url("component-detail", body["id"])
    assert client.patch(url, {"version": "2"}, format="json").json()["version"] == "2"
    assert client.delete(url).status_code == 204
    assert not Component.objects.filter(pk=body["id"]).exists()
    rows = Component.history.filter(id=body["id"]).order_by("history_date")
    assert [r.history_type for r in rows] == ["+", "~", "-"]
    assert {r.history_user for r in rows} == {owner}


def test_a_component_cannot_move_to_another_system(api_as, owner, system):
    second = make_system(owner, name="Second")
    component = services.child_save(
        actor=owner, record=Component(system=system), data={"name": "c"}
    )
    response = api_as(owner).patch(
        api_url("component-detail", component.pk), {"system": second.pk}, format="json"
    )
    # Refused, naming the field, rather than answering 200 and ignoring it.
    assert response.status_code == 400
    assert "system" in response.json()["extra"]["fields"]
    component.refresh_from_db()
    assert component.system == system


@pytest.mark.parametrize(
    "body,fields",
    [
        ({"name": "c"}, {"system"}),
        ({"system": 999999, "name": "c"}, {"system"}),
        ({"system": "AIS-0001", "name": "c"}, {"system"}),
        ({"system": "SYSTEM", "kind": "robot"}, {"kind", "name"}),
        ({"system": "SYSTEM", "name": ""}, {"name"}),
    ],
)
def test_bad_component_input_answers_400_and_saves_nothing(api_as, owner, system, body, fields):
    body = {k: (system.pk if v == "SYSTEM" else v) for k, v in body.items()}
    response = api_as(owner).post(api_url("component-list"), body, format="json")
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == fields
    assert not Component.objects.exists()


def test_records_of_a_closed_system_cannot_change(api_as, owner, approver, system, advance):
    advance(system, "in_triage")
    services.approval_decide(actor=approver, system=system, decision="reject", comment="No")
    response = api_as(owner).post(
        api_url("dataset-list"), {"system": system.pk, "name": "d", "source": "s"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "system_closed"
    assert not Dataset.objects.exists()


def test_dataset_create_and_filter_by_system(api_as, owner, system):
    second = make_system(owner, name="Second")
    client = api_as(owner)
    for target in (system, second):
        response = client.post(
            api_url("dataset-list"),
            {"system": target.pk, "name": "CVs", "source": "ATS", "use": "evaluation"},
            format="json",
        )
        assert response.status_code == 201
        assert response.json()["use_display"] == "Evaluation / testing"
    listed = client.get(api_url("dataset-list"), {"system": second.pk}).json()
    assert [row["system"] for row in listed["results"]] == [second.pk]


@pytest.mark.parametrize(
    "name,params",
    [
        ("component-list", {"kind": "robot"}),
        ("component-list", {"system": "abc"}),
        ("approval-list", {"decision": "maybe"}),
        ("validationrecord-list", {"result": "meh"}),
        ("changerequest-list", {"status": "lost"}),
    ],
)
def test_bad_list_filters_answer_400(api_as, officer, name, params):
    response = api_as(officer).get(api_url(name), params)
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == set(params)


def test_component_list_queries_do_not_grow_with_rows(api_as, officer, owner, system):
    rows = []  # rows each counted request returned: the count compares full lists

    def count() -> int:
        client = api_as(type(officer).objects.get(pk=officer.pk))  # fresh: no warm caches
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(api_url("component-list"), {"page_size": 100})
        assert response.status_code == 200
        rows.append(len(response.json()["results"]))
        return len(ctx.captured_queries)

    def add(n):
        for i in range(n):
            target = make_system(owner, name=f"S{i}")
            services.child_save(actor=owner, record=Component(system=target), data={"name": "c"})

    add(2)
    few = count()
    add(10)
    assert count() == few
    assert rows == [2, 12]


def test_approvals_filter_by_gate_and_decision(api_as, auditor, deployed_system):
    client = api_as(auditor)
    gates = client.get(api_url("approval-list"), {"gate": "release"}).json()["results"]
    assert [a["gate_display"] for a in gates] == ["Release gate"]
    assert client.get(api_url("approval-list"), {"decision": "reject"}).json()["count"] == 0


def test_approvals_are_read_only(api_as, officer, deployed_system):
    approval = api_as(officer).get(api_url("approval-list")).json()["results"][0]
    url = api_url("approval-detail", approval["id"])
    assert api_as(officer).patch(url, {"decision": "reject"}, format="json").status_code == 405
    assert api_as(officer).delete(url).status_code == 405
    assert api_as(officer).post(api_url("approval-list"), {}, format="json").status_code == 405


# --- Validation records -----------------------------------------------------------------------


def test_validation_record_with_link_evidence(api_as, owner, system, advance):
    advance(system, "in_validation")
    response = api_as(owner).post(
        api_url("validationrecord-list"),
        {**VALIDATION, "system": system.pk, "evidence_url": "https://example.org/report"},
        format="json",
    )
    assert response.status_code == 201, response.content
    record = ValidationRecord.objects.get(pk=response.json()["id"])
    assert response.json()["result_display"] == "Pass"
    evidence = Evidence.objects.get()
    assert (evidence.target, evidence.url, evidence.owner) == (
        record,
        "https://example.org/report",
        owner,
    )


def test_validation_record_with_file_evidence(api_as, owner, system):
    upload = SimpleUploadedFile("metrics.csv", b"metric,value\nprecision,0.83\n", "text/csv")
    response = api_as(owner).post(
        api_url("validationrecord-list"),
        {**VALIDATION, "system": system.pk, "evidence_file": upload},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    evidence = Evidence.objects.get()
    assert (evidence.kind, evidence.original_filename) == ("file", "metrics.csv")


@pytest.mark.parametrize(
    "extra,field",
    [
        (
            {"evidence_file": SimpleUploadedFile("run.exe", b"MZ", "application/octet-stream")},
            "evidence_file",
        ),
        ({"result": "maybe"}, "result"),
        ({"performed_on": "yesterday"}, "performed_on"),
        ({"evidence_url": "not a url"}, "evidence_url"),
        ({"system": ""}, "system"),
    ],
)
def test_bad_validation_input_answers_400_and_saves_nothing(api_as, owner, system, extra, field):
    response = api_as(owner).post(
        api_url("validationrecord-list"),
        {**VALIDATION, "system": system.pk, **extra},
        format="multipart",
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["extra"]["fields"]
    assert not ValidationRecord.objects.exists()
    assert not Evidence.objects.exists()


def test_file_and_link_together_are_refused(api_as, owner, system):
    response = api_as(owner).post(
        api_url("validationrecord-list"),
        {
            **VALIDATION,
            "system": system.pk,
            "evidence_url": "https://example.org/r",
            "evidence_file": SimpleUploadedFile("r.pdf", b"%PDF", "application/pdf"),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert "evidence_file" in response.json()["extra"]["fields"]
    assert not ValidationRecord.objects.exists()


def test_validation_on_anothers_system_is_a_field_error(api_as, other_owner, system):
    response = api_as(other_owner).post(
        api_url("validationrecord-list"), {**VALIDATION, "system": system.pk}, format="json"
    )
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {"system"}


# --- Change requests ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body,fields",
    [
        ({"kind": "rewrite"}, {"kind"}),
        ({"title": ""}, {"title"}),
        ({"is_material": "often"}, {"is_material"}),
    ],
)
def test_bad_change_requests_answer_400(api_as, owner, deployed_system, body, fields):
    payload = {
        "system": deployed_system.pk,
        "kind": "model_update",
        "title": "t",
        "description": "d",
        **body,
    }
    response = api_as(owner).post(api_url("changerequest-list"), payload, format="json")
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == fields
    deployed_system.refresh_from_db()
    assert deployed_system.lifecycle_stage == "deployed"


def test_new_population_is_always_material(api_as, owner, deployed_system):
    response = api_as(owner).post(
        api_url("changerequest-list"),
        {
            "system": deployed_system.pk,
            "kind": "new_population",
            "title": "Interns too",
            "description": "d",
            "is_material": False,
        },
        format="json",
    )
    assert response.json()["is_material"] is True
    assert response.json()["requested_by_username"] == owner.username
