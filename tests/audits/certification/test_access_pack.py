"""The evidence pack made for an external audit's stage, read back from its PDF, and who may
download it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.certification.models import ExternalAudit
from audits.models import EvidencePack
from audits.packs import services

from ...audits.test_evidence_packs import pdf_text, report_incident
from ...factories import make_risk, make_system
from .test_access import PASSWORD, grant, login, make_audit

pytestmark = pytest.mark.django_db


def build(capture, officer, audit) -> EvidencePack:
    with capture(execute=True):
        pack = services.evidence_pack_for_audit(actor=officer, audit=audit)
    pack.refresh_from_db()
    audit.refresh_from_db()
    assert audit.evidence_pack_id == pack.pk
    assert pack.status == EvidencePack.Status.READY, pack.error
    return pack


@pytest.fixture
def two_systems(owner, other_owner):
    sampled = make_system(owner, name="Support chatbot")
    other = make_system(other_owner, name="Payroll forecaster")
    make_risk(owner, sampled, title="Chatbot leaks orders")
    make_risk(other_owner, other, title="Forecast drifts")
    report_incident(owner, sampled, title="Chatbot showed a stranger's order")
    return sampled, other


def test_stage_1_pack_is_documented_information_and_readiness(
    officer, two_systems, django_capture_on_commit_callbacks
):
    sampled, other = two_systems
    audit = make_audit(officer, systems=[sampled], kind=ExternalAudit.Kind.STAGE_1)
    pack = build(django_capture_on_commit_callbacks, officer, audit)
    assert pack.scope == EvidencePack.Scope.STAGE1 and pack.external_audit == audit
    text = pdf_text(pack)
    assert "Stage 1 — documented information and readiness" in text
    assert f"audit {audit.reference}" in text
    for heading in (
        "Scope of the AI management system",
        "AI policy",
        "Statement of Applicability",
        "Readiness for certification and open gaps",
        "Gap list",
    ):
        assert heading in text, heading
    # the documented information comes first, readiness before the inventory
    assert text.index("Readiness for certification") < text.index("AI system inventory")
    assert "Support chatbot" in text
    assert "Payroll forecaster" not in text  # only the sample
    assert "Chatbot leaks orders" not in text  # no operating records in stage 1
    assert "Corrective actions" not in text


def test_stage_2_pack_is_operating_records_of_the_period_for_the_sample(
    officer, two_systems, django_capture_on_commit_callbacks
):
    sampled, other = two_systems
    today = timezone.localdate()
    audit = make_audit(
        officer,
        systems=[sampled],
        kind=ExternalAudit.Kind.STAGE_2,
        period_start=today - timedelta(days=90),
        period_end=today,
    )
    pack = build(django_capture_on_commit_callbacks, officer, audit)
    assert pack.scope == EvidencePack.Scope.OPERATIONS
    assert (pack.period_start, pack.period_end) == (audit.period_start, audit.period_end)
    text = pdf_text(pack)
    assert f"Stage 2 — operating records, {audit.period_start} to {audit.period_end}" in text
    assert "Chatbot leaks orders" in text
    assert "Chatbot showed a stranger's order" in text
    assert "Payroll forecaster" not in text and "Forecast drifts" not in text
    # operating records first, the documented information after them
    assert text.index("AI systems") < text.index("Statement of Applicability")
    assert "Gap list" not in text


def test_a_stage_pack_cannot_be_requested_as_an_ordinary_pack(officer):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as info:
        services.evidence_pack_request(actor=officer, scope="stage1")
    assert "scope" in info.value.message_dict


def test_the_certification_auditor_downloads_only_the_pack_of_their_audit(
    client, officer, auditor, two_systems, django_capture_on_commit_callbacks
):
    sampled, _ = two_systems
    audit = make_audit(officer, systems=[sampled], kind=ExternalAudit.Kind.STAGE_1)
    other_audit = make_audit(officer, kind=ExternalAudit.Kind.STAGE_1, title="Other visit")
    mine = build(django_capture_on_commit_callbacks, officer, audit)
    theirs = build(django_capture_on_commit_callbacks, officer, other_audit)
    with django_capture_on_commit_callbacks(execute=True):
        ordinary = services.evidence_pack_request(actor=officer, scope="whole")
    user = grant(officer, audit).user
    assert user.check_password(PASSWORD)
    login(client, user)
    page = client.get(reverse("certification:my_audit"))
    assert reverse("audits:pack_download", args=[mine.pk, "pdf"]) in page.text
    pdf = client.get(reverse("audits:pack_download", args=[mine.pk, "pdf"]))
    assert pdf.status_code == 200
    for pack in (theirs, ordinary):
        assert client.get(reverse("audits:pack_download", args=[pack.pk, "pdf"])).status_code == 404
    assert list(EvidencePack.objects.restrict(user, "view")) == [mine]
    # the internal auditor keeps seeing every pack
    assert EvidencePack.objects.restrict(auditor, "view").count() == 3


def test_api_makes_the_pack_of_an_audit(
    api_as, officer, auditor, django_capture_on_commit_callbacks
):
    audit = make_audit(officer, kind=ExternalAudit.Kind.SURVEILLANCE)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(officer).post(
            "/api/v1/auditor-accesses/pack/", {"audit": audit.pk}, format="json"
        )
    assert response.status_code == 202, response.json()
    assert response.json()["scope"] == "operations"
    audit.refresh_from_db()
    assert audit.evidence_pack_id == response.json()["id"]
    refused = api_as(auditor).post("/api/v1/auditor-accesses/pack/", {"audit": audit.pk})
    assert refused.status_code == 403
