import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from aims.evidence.services import evidence_create
from aims.models import Evidence

from ..factories import make_system
from .conftest import api_url

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 impact assessment"


def upload(name="dpia.pdf", content=PDF):
    return SimpleUploadedFile(name, content, "application/pdf")


def attach(client, target_type, target_id, **fields):
    body = {"target_type": target_type, "target_id": target_id, "title": "DPIA", **fields}
    return client.post(api_url("evidence-list"), body, format="multipart")


def test_owner_attaches_a_file_and_downloads_it(api_as, owner, system):
    client = api_as(owner)
    response = attach(client, "inventory.aisystem", system.pk, file=upload())
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"] == f"EVD-{body['id']:04d}"
    assert (body["kind"], body["target_type"], body["target_reference"]) == (
        "file",
        "inventory.aisystem",
        system.reference,
    )
    assert body["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert body["owner_username"] == owner.username
    assert "file" not in body  # storage paths are not exposed; use download_url

    download = client.get(body["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert 'attachment; filename="dpia.pdf"' in download["Content-Disposition"]


def test_owner_attaches_a_link_to_a_validation_record(api_as, owner, validation_record):
    response = attach(
        api_as(owner),
        "inventory.validationrecord",
        validation_record.pk,
        url="https://example.org/run/42",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["kind_display"], body["download_url"]) == ("Link", None)
    assert body["target_reference"] == validation_record.reference
    download = api_as(owner).get(api_url("evidence-download", body["id"]))
    assert download.status_code == 404
    assert "link" in download.json()["message"]


@pytest.mark.parametrize(
    "fields,errors",
    [
        ({}, {"file"}),
        ({"url": "https://example.org/x", "file": "UPLOAD"}, {"file"}),
        ({"file": "BAD"}, {"file"}),
        ({"target_type": "auth.user"}, {"target_type"}),
        ({"target_type": "inventory.component"}, {"target_type"}),
        ({"target_id": 999999, "url": "https://example.org/x"}, {"target_id"}),
        ({"target_id": "one", "title": ""}, {"target_id", "title"}),
        ({"valid_until": "soon", "url": "https://example.org/x"}, {"valid_until"}),
    ],
)
def test_bad_evidence_input_answers_400_and_saves_nothing(api_as, owner, system, fields, errors):
    files = {"UPLOAD": upload(), "BAD": upload("macro.xlsm", b"PK")}
    body = {
        "target_type": "inventory.aisystem",
        "target_id": system.pk,
        "title": "DPIA",
        **{k: files.get(v, v) if isinstance(v, str) else v for k, v in fields.items()},
    }
    response = api_as(owner).post(api_url("evidence-list"), body, format="multipart")
    assert response.status_code == 400, response.content
    assert set(response.json()["extra"]["fields"]) == errors
    assert not Evidence.objects.exists()


def test_evidence_on_anothers_system_is_not_found(api_as, other_owner, system):
    response = attach(api_as(other_owner), "inventory.aisystem", system.pk, url="https://x.org")
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {"target_id"}
    assert not Evidence.objects.exists()


def test_approver_may_not_attach_to_a_system_they_cannot_change(api_as, approver, system):
    response = attach(api_as(approver), "inventory.aisystem", system.pk, url="https://x.org")
    assert response.status_code == 403
    assert not Evidence.objects.exists()


@pytest.fixture
def two_files(owner, other_owner, system):
    mine = evidence_create(actor=owner, target=system, title="Mine", file=upload())
    other_system = make_system(other_owner, name="Other")
    theirs = evidence_create(actor=other_owner, target=other_system, title="Theirs", file=upload())
    return mine, theirs


@pytest.mark.parametrize(
    "role,sees",
    [
        ("officer", {"Mine", "Theirs"}),
        ("auditor", {"Mine", "Theirs"}),
        ("approver", {"Mine", "Theirs"}),
        ("owner", {"Mine"}),
        ("other_owner", {"Theirs"}),
        ("nobody", set()),
    ],
)
def test_evidence_visibility_follows_the_record(request, api_as, two_files, role, sees):
    client = api_as(request.getfixturevalue(role))
    listed = client.get(api_url("evidence-list")).json()["results"]
    assert {e["title"] for e in listed} == sees
    for evidence in two_files:
        expected = 200 if evidence.title in sees else 404
        assert client.get(api_url("evidence-detail", evidence.pk)).status_code == expected
        assert client.get(api_url("evidence-download", evidence.pk)).status_code == expected


def test_evidence_filters(api_as, officer, owner, system, validation_record):
    evidence_create(actor=owner, target=system, title="On system", url="https://x.org/1")
    evidence_create(actor=owner, target=validation_record, title="On test", url="https://x.org/2")
    client = api_as(officer)

    def titles(params):
        return {e["title"] for e in client.get(api_url("evidence-list"), params).json()["results"]}

    assert titles({"target_type": "inventory.validationrecord"}) == {"On test"}
    assert titles({"target_type": "inventory.aisystem", "target_id": system.pk}) == {"On system"}
    assert titles({"target_type": "nonsense"}) == set()
    assert titles({"kind": "file"}) == set()
    assert client.get(api_url("evidence-list"), {"kind": "zip"}).status_code == 400


def test_evidence_cannot_be_edited_or_deleted(api_as, officer, two_files):
    url = api_url("evidence-detail", two_files[0].pk)
    assert api_as(officer).patch(url, {"title": "x"}, format="json").status_code == 405
    assert api_as(officer).delete(url).status_code == 405


def test_missing_file_in_storage_is_404_not_500(api_as, owner, two_files):
    mine = two_files[0]
    mine.file.storage.delete(mine.file.name)
    assert api_as(owner).get(api_url("evidence-download", mine.pk)).status_code == 404


def test_evidence_list_queries_do_not_grow_with_rows(api_as, owner, system):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert (
                api_as(type(owner).objects.get(pk=owner.pk))
                .get(api_url("evidence-list"))
                .status_code
                == 200
            )
        return len(ctx.captured_queries)

    evidence_create(actor=owner, target=system, title="e", url="https://x.org")
    count()  # warm the content-type cache
    few = count()
    for i in range(8):
        evidence_create(actor=owner, target=system, title=f"e{i}", url="https://x.org")
    assert count() == few
