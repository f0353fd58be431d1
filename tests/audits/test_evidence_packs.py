"""Evidence packs: built from known data, read back from the PDF, verified through the ZIP's
manifest, with failures recorded and retried, and only auditors and officers served."""

import hashlib
import io
import json
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from audits import packs, services
from audits.models import EvidencePack
from inventory import services as inventory
from inventory.models import AISystem

from ..factories import make_system

pytestmark = pytest.mark.django_db
EVIDENCE = b"%PDF-1.4 red-team report of the chatbot"


@pytest.fixture
def deployed(owner, officer, approver):
    """A system taken to release through the services, with a validation and its evidence."""
    system = make_system(owner, name="Support chatbot")
    inventory.system_transition(actor=officer, system=system, action="start_triage")
    inventory.approval_decide(
        actor=approver,
        system=system,
        decision="approve_with_conditions",
        conditions="Human handover on complaints",
    )
    inventory.system_transition(actor=owner, system=system, action="start_validation")
    validation = inventory.validation_record_create(
        actor=owner,
        system=system,
        test_type="safety",
        title="Red-team exercise",
        method="200 adversarial prompts",
        result="pass",
        performed_on=date(2026, 11, 2),
        evidence_file=SimpleUploadedFile("redteam.pdf", EVIDENCE, "application/pdf"),
    )
    inventory.approval_decide(actor=approver, system=system, decision="approve")
    system.refresh_from_db()
    return system, validation


def request_and_build(capture, actor, **kwargs) -> EvidencePack:
    with capture(execute=True):
        pack = services.evidence_pack_request(actor=actor, **kwargs)
    pack.refresh_from_db()
    return pack


def pdf_text(pack: EvidencePack) -> str:
    with pack.pdf.open("rb") as handle:
        reader = PdfReader(handle)
        text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split())  # table cells wrap: compare words, not line breaks


def test_pack_contains_the_records_and_verifies(
    deployed, auditor, approver, owner, django_capture_on_commit_callbacks
):
    system, validation = deployed
    other = make_system(owner, name="Invoice anomaly detection")
    pack = request_and_build(django_capture_on_commit_callbacks, auditor, scope="whole")

    assert pack.status == EvidencePack.Status.READY, pack.error
    text = pdf_text(pack)
    for expected in (
        pack.reference,
        system.reference,
        "Support chatbot",
        other.reference,
        approver.username,
        "Human handover on complaints",
        validation.reference,
        "Red-team exercise",
        "Audit trail",
        "intact",
        auditor.username,
    ):
        assert expected in text, expected
    with pack.pdf.open("rb") as handle:
        content = handle.read()
    assert hashlib.sha256(content).hexdigest() == pack.pdf_sha256
    assert len(PdfReader(io.BytesIO(content)).pages) == pack.page_count
    assert auditor.notifications.filter(title__contains=pack.reference).exists()


def test_zip_manifest_hashes_match_the_files(deployed, officer, django_capture_on_commit_callbacks):
    pack = request_and_build(django_capture_on_commit_callbacks, officer, scope="whole")
    with pack.zip.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    manifest = json.loads(archive.read("manifest.json"))
    files = [row for row in manifest if row["path"]]
    assert {row["kind"] for row in files} == {"evidence pack", "evidence file"}
    for row in files:
        assert hashlib.sha256(archive.read(row["path"])).hexdigest() == row["sha256"]
    evidence_row = next(row for row in files if row["kind"] == "evidence file")
    assert archive.read(evidence_row["path"]) == EVIDENCE
    assert evidence_row["sha256"] == evidence_row["recorded_sha256"]
    assert archive.read("manifest.csv").decode().startswith("path,sha256,bytes")


def test_system_scope_leaves_other_systems_out(
    deployed, owner, officer, django_capture_on_commit_callbacks
):
    system, _ = deployed
    other = make_system(owner, name="Invoice anomaly detection")
    pack = request_and_build(
        django_capture_on_commit_callbacks, officer, scope="system", system=system
    )
    text = pdf_text(pack)
    assert system.reference in text
    assert other.name not in text


def test_period_scope_needs_a_sensible_period(officer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        services.evidence_pack_request(
            actor=officer,
            scope="period",
            period_start=date(2026, 5, 1),
            period_end=date(2026, 1, 1),
        )
    assert "period_end" in error.value.message_dict
    assert not EvidencePack.objects.exists()


def test_only_auditors_and_officers_request_packs(owner, approver):
    from aims.errors import RuleForbidden

    for user in (owner, approver):
        with pytest.raises(RuleForbidden):
            services.evidence_pack_request(actor=user, scope="whole")


def test_a_failure_is_recorded_and_can_be_retried(
    deployed, officer, monkeypatch, django_capture_on_commit_callbacks
):
    real_render = packs.render_pdf

    def broken(context):
        raise RuntimeError("fonts missing")

    monkeypatch.setattr(packs, "render_pdf", broken)
    pack = request_and_build(django_capture_on_commit_callbacks, officer, scope="whole")
    assert pack.status == EvidencePack.Status.FAILED
    assert "fonts missing" in pack.error
    monkeypatch.setattr(packs, "render_pdf", real_render)
    with django_capture_on_commit_callbacks(execute=True):
        services.evidence_pack_retry(actor=officer, pack=pack)
    pack.refresh_from_db()
    assert pack.status == EvidencePack.Status.READY
    assert pack.attempts == 2
    reasons = list(
        pack.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )
    assert "Evidence pack build failed" in reasons and reasons[-1].startswith("Evidence pack ready")


def test_ready_pack_cannot_be_retried(deployed, officer, django_capture_on_commit_callbacks):
    from aims.errors import TransitionNotAllowed

    pack = request_and_build(django_capture_on_commit_callbacks, officer, scope="whole")
    with pytest.raises(TransitionNotAllowed):
        services.evidence_pack_retry(actor=officer, pack=pack)


def test_browser_request_status_and_download(
    deployed, client_as, auditor, django_capture_on_commit_callbacks
):
    client = client_as(auditor)
    assert client.get(reverse("audits:pack_list")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("audits:pack_list"), {"scope": "whole"})
    pack = EvidencePack.objects.get()
    assert response["Location"] == reverse("audits:pack_detail", args=[pack.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Download PDF" in page and pack.pdf_sha256 in page
    download = client.get(reverse("audits:pack_download", args=[pack.pk, "pdf"]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_api_request_and_download(deployed, api_as, officer, django_capture_on_commit_callbacks):
    client = api_as(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("api:evidencepack-list"), {"scope": "whole"}, format="json")
    assert response.status_code == 201
    pack_id = response.json()["id"]
    body = client.get(reverse("api:evidencepack-detail", args=[pack_id])).json()
    assert body["status"] == "ready" and body["page_count"] >= 3
    download = client.get(reverse("api:evidencepack-download-zip", args=[pack_id]))
    assert zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content))).testzip() is None


def test_api_rejects_a_bad_period_with_field_errors(api_as, officer):
    response = api_as(officer).post(
        reverse("api:evidencepack-list"),
        {"scope": "period", "period_start": "2026-05-01", "period_end": "2026-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert "period_end" in response.json()["extra"]["fields"]


def test_download_before_ready_is_not_found(api_as, officer):
    pack = services.evidence_pack_request(actor=officer, scope="whole")
    response = api_as(officer).get(reverse("api:evidencepack-download-pdf", args=[pack.pk]))
    assert response.status_code == 404
    assert "not ready" in response.json()["message"]


def test_gathering_reads_each_table_once(owner, officer, django_assert_max_num_queries):
    for i in range(3):
        make_system(owner, name=f"S{i}")
    pack = services.evidence_pack_request(actor=officer, scope="whole")
    with django_assert_max_num_queries(60) as few:
        packs.gather(pack, lambda *_: None)
    for i in range(15):
        make_system(owner, name=f"T{i}")
    with django_assert_max_num_queries(60) as many:
        packs.gather(pack, lambda *_: None)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert AISystem.objects.count() == 18
