"""The evidence library (browser and API): refused uploads store nothing and say why,
SHA-256 is shown, a replaced file is a new version and the old one stays downloadable,
visibility follows the record evidence is attached to, auditors read everything and write
nothing, and lists cost a fixed number of queries."""

import hashlib
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from aims.capa import services as capa_services
from aims.errors import TransitionNotAllowed
from aims.evidence import selectors as evidence_selectors
from aims.evidence.services import evidence_create, evidence_replace
from aims.models import Evidence
from incidents import services as incident_services
from inventory import services as inventory_services

from ..factories import make_system

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4 library test"


def pdf(name="report.pdf", content=PDF):
    return SimpleUploadedFile(name, content, "application/pdf")


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


@pytest.fixture
def evidence(owner, system):
    return evidence_create(actor=owner, target=system, title="DPIA", file=pdf())


@pytest.fixture
def small_limit(settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    return settings


# --- Refused uploads store nothing ----------------------------------------------------------


def test_api_upload_over_the_limit_is_a_400_and_stores_nothing(api_as, owner, system, small_limit):
    response = api_as(owner).post(
        reverse("api:evidence-library-list"),
        {
            "target_type": "inventory.aisystem",
            "target_id": system.pk,
            "title": "Too big",
            "file": pdf(content=b"x" * 2048),
        },
        format="multipart",
    )
    assert response.status_code == 400
    errors = response.json()["extra"]["fields"]["file"]
    assert "the limit is" in errors[0]
    assert Evidence.objects.count() == 0
    assert stored_files(small_limit) == []


def test_api_refused_type_is_a_400_and_stores_nothing(api_as, owner, system, settings):
    response = api_as(owner).post(
        reverse("api:evidence-library-list"),
        {
            "target_type": "inventory.aisystem",
            "target_id": system.pk,
            "title": "A script",
            "file": SimpleUploadedFile("run.exe", b"MZ...", "application/octet-stream"),
        },
        format="multipart",
    )
    assert response.status_code == 400
    assert "'.exe' are not accepted" in response.json()["extra"]["fields"]["file"][0]
    assert Evidence.objects.count() == 0
    assert stored_files(settings) == []


def test_browser_upload_over_the_limit_shows_the_error(client_as, owner, system, small_limit):
    url = reverse("aims:evidence_attach", args=["inventory.aisystem", system.pk])
    response = client_as(owner).post(url, {"title": "Too big", "file": pdf(content=b"x" * 2048)})
    assert response.status_code == 400
    assert "the limit is" in response.content.decode()
    assert Evidence.objects.count() == 0 and stored_files(small_limit) == []


def test_replacement_over_the_limit_keeps_the_current_version(
    client_as, api_as, owner, evidence, small_limit
):
    before = set(stored_files(small_limit))
    response = api_as(owner).post(
        reverse("api:evidence-library-replace", args=[evidence.pk]),
        {"file": pdf(content=b"x" * 2048)},
        format="multipart",
    )
    assert response.status_code == 400 and "file" in response.json()["extra"]["fields"]
    page = client_as(owner).post(
        reverse("evidence:evidence_replace", args=[evidence.pk]),
        {"title": "v2", "file": SimpleUploadedFile("x.exe", b"MZ")},
    )
    assert page.status_code == 400 and "are not accepted" in page.content.decode()
    evidence.refresh_from_db()
    assert evidence.superseded_at is None and Evidence.objects.count() == 1
    assert set(stored_files(small_limit)) == before


# --- Versions -------------------------------------------------------------------------------


def test_replace_makes_a_new_version_and_keeps_the_old_file(client_as, owner, evidence):
    client = client_as(owner)
    response = client.post(
        reverse("evidence:evidence_replace", args=[evidence.pk]),
        {"title": "DPIA (revised)", "file": pdf("dpia-v2.pdf", b"%PDF-1.4 revised")},
    )
    assert response.status_code == 302
    new = Evidence.objects.get(replaces=evidence)
    evidence.refresh_from_db()
    assert new.version == 2 and new.title == "DPIA (revised)"
    assert new.target == evidence.target
    assert evidence.superseded_at is not None
    assert new.sha256 == hashlib.sha256(b"%PDF-1.4 revised").hexdigest()
    old = client.get(reverse("aims:evidence_download", args=[evidence.pk]))
    assert b"".join(old.streaming_content) == PDF
    detail = client.get(reverse("evidence:evidence_detail", args=[new.pk])).content.decode()
    assert evidence.reference in detail and new.reference in detail  # the version chain
    assert (
        "Superseded"
        in client.get(reverse("evidence:evidence_detail", args=[evidence.pk])).content.decode()
    )


def test_an_old_version_cannot_be_replaced_again(owner, evidence):
    evidence_replace(actor=owner, evidence=evidence, url="https://example.org/v2")
    with pytest.raises(TransitionNotAllowed) as exc:
        evidence_replace(actor=owner, evidence=evidence, url="https://example.org/v3")
    assert "replace the current version" in exc.value.message


def test_api_replace_and_versions(api_as, owner, evidence):
    client = api_as(owner)
    response = client.post(
        reverse("api:evidence-library-replace", args=[evidence.pk]),
        {"file": pdf("v2.pdf", b"%PDF-1.4 v2")},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["version"] == 2 and body["replaces"] == evidence.pk and body["is_current"]
    again = client.post(
        reverse("api:evidence-library-replace", args=[evidence.pk]),
        {"url": "https://example.org/v3"},
        format="json",
    )
    assert again.status_code == 409 and again.json()["code"] == "already_replaced"
    versions = client.get(reverse("api:evidence-library-versions", args=[body["id"]])).json()
    assert [v["version"] for v in versions] == [1, 2]
    download = client.get(versions[0]["download_url"])
    assert b"".join(download.streaming_content) == PDF
    current = client.get(reverse("api:evidence-library-list")).json()
    assert [e["id"] for e in current["results"]] == [body["id"]]
    every = client.get(reverse("api:evidence-library-list"), {"all_versions": "true"}).json()
    assert every["count"] == 2


# --- What is shown --------------------------------------------------------------------------


def test_detail_shows_sha256_size_type_and_target(client_as, officer, evidence, system):
    html = (
        client_as(officer)
        .get(reverse("evidence:evidence_detail", args=[evidence.pk]))
        .content.decode()
    )
    assert hashlib.sha256(PDF).hexdigest() in html
    assert f"({len(PDF)} bytes)" in html
    assert "Uploaded file" in html
    assert reverse("inventory:system_detail", args=[system.pk]) in html


def test_library_filters(client_as, officer, owner, system):
    today = timezone.localdate()
    evidence_create(
        actor=owner,
        target=system,
        title="Expired cert",
        url="https://x.org/a",
        valid_until=today - timedelta(days=1),
    )
    evidence_create(
        actor=owner,
        target=system,
        title="Soon cert",
        url="https://x.org/b",
        valid_until=today + timedelta(days=10),
    )
    evidence_create(actor=owner, target=system, title="Policy scan", file=pdf())
    client = client_as(officer)

    def titles(**params) -> set[str]:
        page = client.get(reverse("evidence:evidence_list"), params).content.decode()
        return {t for t in ("Expired cert", "Soon cert", "Policy scan") if t in page}

    assert titles() == {"Expired cert", "Soon cert", "Policy scan"}
    assert titles(validity="expired") == {"Expired cert"}
    assert titles(validity="expiring") == {"Soon cert"}
    assert titles(validity="valid") == {"Soon cert", "Policy scan"}
    assert titles(kind="file") == {"Policy scan"}
    assert titles(q="cert") == {"Expired cert", "Soon cert"}
    assert titles(target_type="risk.risk") == set()


# --- Visibility and permissions -------------------------------------------------------------


def test_owner_sees_evidence_of_their_records_only(
    client_as, api_as, owner, other_owner, officer, evidence
):
    theirs = make_system(other_owner, name="Another system")
    hidden = evidence_create(actor=other_owner, target=theirs, title="Not yours", file=pdf())
    incident = incident_services.incident_report(
        actor=owner,
        system=evidence.target,
        title="Wrong output",
        description="x",
        detection_channel="employee",
        category="inaccurate",
        severity="sev3",
    )
    capa = capa_services.capa_create(
        actor=officer,
        source=incident,
        title="Fix",
        nonconformity="x",
        action_plan="y",
        due_date=date(2030, 1, 1),
    )
    on_capa = evidence_create(
        actor=officer, target=capa, title="CAPA proof", url="https://x.org/capa"
    )
    validation = inventory_services.validation_record_create(
        actor=owner,
        system=evidence.target,
        test_type="accuracy",
        title="Holdout",
        method="500 cases",
        result="pass",
        performed_on=date(2026, 1, 15),
    )
    on_child = evidence_create(
        actor=owner, target=validation, title="Test log", url="https://x.org/log"
    )
    visible = set(evidence_selectors.visible_evidence(owner).values_list("pk", flat=True))
    assert visible == {evidence.pk, on_capa.pk, on_child.pk}
    assert hidden.pk in set(
        evidence_selectors.visible_evidence(officer).values_list("pk", flat=True)
    )
    html = client_as(owner).get(reverse("evidence:evidence_list")).content.decode()
    assert "Not yours" not in html and "CAPA proof" in html and "Test log" in html
    assert (
        client_as(owner).get(reverse("evidence:evidence_detail", args=[hidden.pk])).status_code
        == 404
    )
    assert (
        api_as(owner).get(reverse("api:evidence-library-detail", args=[hidden.pk])).status_code
        == 404
    )
    assert evidence_selectors.visible_evidence(other_owner).filter(pk=evidence.pk).count() == 0


def test_auditor_reads_everything_and_writes_nothing(
    client_as, api_as, auditor, evidence, system, settings
):
    client = client_as(auditor)
    assert evidence.title in client.get(reverse("evidence:evidence_list")).content.decode()
    assert client.get(reverse("evidence:evidence_detail", args=[evidence.pk])).status_code == 200
    assert client.get(reverse("evidence:evidence_replace", args=[evidence.pk])).status_code == 403
    assert (
        client.post(
            reverse("evidence:evidence_replace", args=[evidence.pk]),
            {"title": "x", "url": "https://x.org"},
        ).status_code
        == 403
    )
    api = api_as(auditor)
    assert api.get(reverse("api:evidence-library-detail", args=[evidence.pk])).status_code == 200
    created = api.post(
        reverse("api:evidence-library-list"),
        {
            "target_type": "inventory.aisystem",
            "target_id": system.pk,
            "title": "x",
            "url": "https://x.org",
        },
        format="json",
    )
    replaced = api.post(
        reverse("api:evidence-library-replace", args=[evidence.pk]),
        {"url": "https://x.org"},
        format="json",
    )
    assert created.status_code == 403 and replaced.status_code == 403
    assert Evidence.objects.count() == 1


def test_api_create_on_a_record_out_of_reach_is_a_field_error(api_as, other_owner, system):
    response = api_as(other_owner).post(
        reverse("api:evidence-library-list"),
        {
            "target_type": "inventory.aisystem",
            "target_id": system.pk,
            "title": "x",
            "url": "https://x.org",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "target_id" in response.json()["extra"]["fields"]


def test_api_create_a_link_on_a_training_record(api_as, officer, owner):
    from aims.competence import services as competence_services
    from aims.models import Course

    course = competence_services.course_save(
        actor=officer, course=Course(), data={"title": "Literacy"}
    )
    record = competence_services.training_record_create(
        actor=officer, user=owner, course=course, completed_on=date(2025, 1, 1)
    )
    response = api_as(officer).post(
        reverse("api:evidence-library-list"),
        {
            "target_type": "aims.trainingrecord",
            "target_id": record.pk,
            "title": "Certificate",
            "url": "https://academy.example.org/cert/1",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["target_type"] == "aims.trainingrecord"


def test_lists_cost_a_fixed_number_of_queries(
    client_as, api_as, owner, officer, django_assert_max_num_queries
):
    systems = [make_system(owner, name=f"System {i}") for i in range(3)]
    for i in range(30):
        evidence_create(
            actor=owner, target=systems[i % 3], title=f"Evidence {i}", url=f"https://x.org/{i}"
        )
    incident = incident_services.incident_report(
        actor=owner,
        system=systems[0],
        title="Wrong",
        description="x",
        detection_channel="employee",
        category="inaccurate",
        severity="sev3",
    )
    for i in range(5):
        evidence_create(
            actor=owner, target=incident, title=f"Incident proof {i}", url=f"https://x.org/i{i}"
        )
    for user in (owner, officer):
        client = client_as(user)
        client.get(reverse("aims:notification_list"))  # the session is set up before counting
        with django_assert_max_num_queries(14):
            response = client.get(reverse("evidence:evidence_list"))
        assert response.status_code == 200
        # A full page of rows was rendered: the count is of a page, not of an empty list.
        shown = set(re.findall(r"EVD-\d{4}", response.content.decode()))
        assert len(shown) == 25, shown
        api = api_as(user)
        with django_assert_max_num_queries(10):
            response = api.get(reverse("api:evidence-library-list"))
            assert response.status_code == 200 and response.json()["count"] == 35
