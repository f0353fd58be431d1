"""Evidence packs: built from known data, read back from the PDF, verified through the ZIP's
manifest, with failures recorded and retried, and only auditors and officers served."""

import hashlib
import io
import json
import re
import zipfile
from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from aims.capa import services as capa_services
from aims.evidence import services as aims_services
from aims.templatetags.aims_ui import when_text
from audits.models import EvidencePack
from audits.packs import gather as packs
from audits.packs import render as pack_render
from audits.packs import services
from incidents import services as incidents
from incidents.models import Metric
from inventory import services as inventory
from inventory.models import AISystem
from risk import services as risk
from risk.models import ImpactAssessment, Risk, RiskAssessment, TreatmentAction
from suppliers import services as suppliers

from ..factories import classify_confirmed, make_system
from ..suppliers.helpers import completed_review, connect, link_component

pytestmark = pytest.mark.django_db
EVIDENCE = b"%PDF-1.4 red-team report of the chatbot"
RISK_EVIDENCE = b"group,selection_rate\nunder 40,0.31\nover 60,0.29\n"
RISK = {
    "title": "Answers disadvantage older customers",
    "category": "fairness",
    "risk_source": "machine_learning",
    "inherent_likelihood": 4,
    "inherent_impact": 4,
    "treatment": "mitigate",
    "residual_likelihood": 2,
    "residual_impact": 3,
}


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
        conditions_due_on=date(2099, 1, 31),
    )
    for condition in system.conditions.all():  # met before release: the release gate waits
        inventory.condition_close(
            actor=owner, condition=condition, outcome="met", note="Handover button live"
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


def report_incident(owner, system, **overrides):
    data = {
        "title": "Chatbot showed another customer's order",
        "description": "A customer saw an order history that was not theirs.",
        "detection_channel": "user_complaint",
        "category": "privacy",
        "severity": "sev2",
        **overrides,
    }
    return incidents.incident_report(actor=owner, system=system, **data)


def open_capa(owner, incident, title="Mask order numbers in answers"):
    return capa_services.capa_create(
        actor=owner,
        source=incident,
        title=title,
        nonconformity="Personal data reached the wrong customer",
        action_plan="Filter order numbers out of the context",
        due_date=date(2026, 12, 31),
    )


@pytest.fixture
def registers(deployed, owner, officer, approver):
    """The deployed system with a record in every register, made through the real services,
    and a second system with its own risk and incident."""
    connect()
    system, _ = deployed
    other = make_system(owner, name="Invoice anomaly detection")
    classification = classify_confirmed(officer=officer, system=system)
    assessment = risk.assessment_save(
        actor=owner,
        assessment=RiskAssessment(system=system),
        data={"title": "Annual chatbot assessment", "assessed_on": date(2026, 11, 3),
              "scope": "Customer support answers", "conclusion": "Acceptable with handover"},
    )  # fmt: skip
    the_risk = risk.risk_save(actor=owner, risk=Risk(system=system), data=RISK)
    risk.action_save(
        actor=owner,
        action=TreatmentAction(risk=the_risk),
        data={"title": "Rebalance the answer examples", "due_date": date(2026, 12, 15)},
    )
    other_risk = risk.risk_save(
        actor=owner, risk=Risk(system=other), data={**RISK, "title": "Fraud pattern missed"}
    )
    impact = risk.impact_save(
        actor=owner,
        impact=ImpactAssessment(system=system),
        data={"title": "Chatbot impact assessment", "affected_individuals": "Customers",
              "intended_use": "First-line support", "conclusion": "Acceptable"},
    )  # fmt: skip
    impact = risk.impact_sign_off(actor=approver, impact=impact)
    metric = incidents.metric_save(
        actor=owner,
        metric=Metric(system=system),
        data={"name": "Escalation rate", "unit": "%", "direction": "higher_is_worse",
              "warning_threshold": 5.0, "breach_threshold": 10.0},
    )  # fmt: skip
    incidents.observations_ingest(
        actor=owner, observations=[(metric, timezone.now() - timedelta(minutes=5), 12.5)]
    )
    incident = report_incident(owner, system)
    incident = incidents.incident_mark_serious(actor=officer, incident=incident, case="general")
    capa = open_capa(owner, incident)
    other_incident = report_incident(
        owner, other, title="Invoices flagged twice", category="inaccurate", severity="sev4"
    )
    supplier = suppliers.supplier_create(
        actor=officer,
        data={"name": "Acme Models", "supplier_type": "model_provider",
              "services_used": "Hosted LLM API", "criticality": "high"},
    )  # fmt: skip
    review = completed_review(officer, supplier)
    link_component(owner, system, supplier)
    notice = suppliers.vendor_change_record(
        actor=officer,
        supplier=supplier,
        data={"affected_service": "acme-llm", "kind": "new_model_version",
              "source": "vendor_notice", "title": "acme-llm 2026-06 replaces 2026-01"},
    )  # fmt: skip
    risk_evidence = aims_services.evidence_create(
        actor=owner,
        target=the_risk,
        title="Selection rates by age group",
        file=SimpleUploadedFile("fairness.csv", RISK_EVIDENCE, "text/csv"),
    )
    system.refresh_from_db()
    return {
        "system": system, "other": other, "classification": classification,
        "assessment": assessment, "risk": the_risk, "other_risk": other_risk, "impact": impact,
        "incident": incident, "capa": capa, "other_incident": other_incident,
        "supplier": supplier, "review": review, "notice": notice,
        "risk_evidence": risk_evidence,
    }  # fmt: skip


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
    files = manifest["files"]
    assert {row["kind"] for row in files} == {
        "evidence pack",
        "evidence file",
        "manifest (CSV)",
        "public key",
        "standalone verifier",
    }
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
    real_render = pack_render.render_pack

    def broken(context):
        raise RuntimeError("fonts missing")

    monkeypatch.setattr(pack_render, "render_pack", broken)
    pack = request_and_build(django_capture_on_commit_callbacks, officer, scope="whole")
    assert pack.status == EvidencePack.Status.FAILED
    assert "fonts missing" in pack.error
    monkeypatch.setattr(pack_render, "render_pack", real_render)
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
    page = client.get(reverse("audits:pack_list"))
    assert page.status_code == 200 and "Request a pack" in page.content.decode()
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


def with_records(owner, name: str) -> AISystem:
    """A system with a risk, an incident and its corrective action."""
    system = make_system(owner, name=name)
    risk.risk_save(actor=owner, risk=Risk(system=system), data={**RISK, "title": f"{name} risk"})
    open_capa(owner, report_incident(owner, system, title=f"{name} incident"))
    return system


def tables_read(queries: list[dict]) -> Counter:
    """How many queries read each table (the table of the outermost FROM)."""
    counts: Counter = Counter()
    for query in queries:
        sql = re.sub(r"\(SELECT .*?\)", "(…)", query["sql"])  # leave subqueries out
        found = re.search(r'\bFROM\s+"?([\w.]+)"?', sql)
        counts[found.group(1) if found else sql[:40]] += 1
    return counts


def test_gathering_reads_each_table_once(owner, officer, auditor):
    """One query per table whatever the size of the AIMS. The audit-trail verification reads
    the history tables (excerpt, chain rows, count, unsealed rows: up to four each), the chain
    and the checkpoints; every other table is read exactly once."""
    from audits.models import ChainLink, TrailCheckpoint
    from audits.trail.chain import historical_models

    from .test_pack_contents import management_records

    def gather() -> tuple[dict, list]:
        with CaptureQueriesContext(connection) as queries:
            context = packs.gather(pack, lambda *_: None)
        return context, queries.captured_queries

    for i in range(3):
        with_records(owner, f"S{i}")
    management_records(officer, owner, auditor, tag=" 0")
    pack = services.evidence_pack_request(actor=officer, scope="whole")
    packs.gather(pack, lambda *_: None)  # warm the content-type cache
    context, few = gather()
    assert context["risk_count"] == 3 and context["capa_count"] == 4
    for i in range(15):
        with_records(owner, f"T{i}")
    for i in range(1, 4):
        management_records(officer, owner, auditor, tag=f" {i}")
    context, many = gather()
    assert len(many) == len(few)
    assert AISystem.objects.count() == 18
    assert context["risk_count"] == 18 and context["incident_count"] == 18
    assert context["capa_count"] == 18 + 4
    ms = context["ms"]
    assert len(ms.audits) == len(ms.findings) == len(ms.reviews) == 4
    assert all(len(f.capas) == 1 for f in ms.findings)
    assert all(i.timeline for s in context["sections"] for i in s.incidents)
    history = {m._meta.db_table for m in historical_models()}
    chain = {ChainLink._meta.db_table, TrailCheckpoint._meta.db_table}
    for table, count in tables_read(many).items():
        if table in history or table in chain:
            assert count <= 4, (table, count)
        else:
            assert count == 1, (table, count)


def test_pack_contains_every_register(
    registers, auditor, approver, owner, officer, django_capture_on_commit_callbacks
):
    r = registers
    pack = request_and_build(django_capture_on_commit_callbacks, auditor, scope="whole")
    assert pack.status == EvidencePack.Status.READY, pack.error
    text = pdf_text(pack)
    tier = r["system"].tier_decision
    for expected in (
        # classification and tier, with its reasons
        "High-risk",
        r["classification"].route,
        r["classification"].obligations[0]["text"],
        tier.get_tier_display(),
        tier.reasons[0],
        # risks and assessments
        r["risk"].reference,
        "Answers disadvantage older customers",
        "Fairness / bias",
        f"{r['risk'].get_inherent_level_display()} ({r['risk'].inherent_score})",
        f"{r['risk'].get_residual_level_display()} ({r['risk'].residual_score})",
        "Mitigate",
        "Treatment action: Rebalance the answer examples",
        r["other_risk"].reference,
        r["assessment"].reference,
        "Annual chatbot assessment",
        r["impact"].reference,
        "Signed off",
        approver.username,
        # monitoring
        "Escalation rate",
        "12.5",
        "1 open alert",
        # incidents and corrective actions
        r["incident"].reference,
        "Chatbot showed another customer's order",
        "SEV2",
        f"report due {when_text(r['incident'].reporting_deadline, 'day')}",  # the one date format
        r["other_incident"].reference,
        r["capa"].reference,
        "Mask order numbers in answers",
        f"Incident {r['incident'].reference}",
        # suppliers
        "Suppliers",
        r["supplier"].reference,
        "Acme Models",
        r["review"].reference,
        "Recommend approval",
        r["notice"].reference,
        "acme-llm 2026-06 replaces 2026-01",
        f"Impact on {r['system'].reference}",
        "Corrective actions",
        r["risk_evidence"].reference,
        # the audit-trail excerpt covers the new registers too
        "Created risk",
        "Created incident",
        "Created corrective action",
        "Created supplier review",
    ):
        assert expected in text, expected
    assert f"{r['review'].score}" in text


def test_zip_holds_the_evidence_of_the_new_registers(
    registers, officer, django_capture_on_commit_callbacks
):
    pack = request_and_build(django_capture_on_commit_callbacks, officer, scope="whole")
    with pack.zip.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    manifest = json.loads(archive.read("manifest.json"))
    row = next(
        m
        for m in manifest["files"] + manifest["entries"]
        if m["reference"] == registers["risk_evidence"].reference
    )
    assert archive.read(row["path"]) == RISK_EVIDENCE
    assert row["sha256"] == row["recorded_sha256"] == hashlib.sha256(RISK_EVIDENCE).hexdigest()
    assert row["attached_to"] == f"risk {registers['risk'].reference}"
    assert "attached_to" in archive.read("manifest.csv").decode().splitlines()[0]


def test_system_scope_leaves_other_systems_registers_out(
    registers, officer, django_capture_on_commit_callbacks
):
    r = registers
    pack = request_and_build(
        django_capture_on_commit_callbacks, officer, scope="system", system=r["system"]
    )
    text = pdf_text(pack)
    for expected in (
        r["risk"].reference,
        r["incident"].reference,
        r["capa"].reference,
        r["supplier"].reference,
        r["review"].reference,
        r["notice"].reference,
    ):
        assert expected in text, expected  # fmt: skip
    for unexpected in (
        r["other_risk"].reference,
        "Fraud pattern missed",
        r["other_incident"].reference,
        "Invoices flagged twice",
    ):
        assert unexpected not in text, unexpected  # fmt: skip


def test_other_system_scope_has_no_supplier_it_does_not_use(
    registers, officer, django_capture_on_commit_callbacks
):
    r = registers
    pack = request_and_build(
        django_capture_on_commit_callbacks, officer, scope="system", system=r["other"]
    )
    text = pdf_text(pack)
    assert r["other_risk"].reference in text and r["other_incident"].reference in text
    for unexpected in (
        r["risk"].reference,
        r["incident"].reference,
        r["capa"].reference,
        r["supplier"].reference,
        r["review"].reference,
    ):
        assert unexpected not in text, unexpected  # fmt: skip
    assert "No supplier in scope" in text


def test_period_scope_filters_the_new_registers_by_creation(
    registers, officer, django_capture_on_commit_callbacks
):
    r = registers
    today = timezone.localdate()
    before = request_and_build(
        django_capture_on_commit_callbacks, officer, scope="period",
        period_start=today - timedelta(days=60), period_end=today - timedelta(days=30),
    )  # fmt: skip
    text = pdf_text(before)
    for absent in (
        r["risk"].reference,
        r["incident"].reference,
        r["capa"].reference,
        r["review"].reference,
        r["impact"].reference,
    ):
        assert absent not in text, absent  # fmt: skip
    assert "No risk recorded in the period" in text
    assert r["supplier"].reference in text  # a standing fact, shown as it is today
    current = request_and_build(
        django_capture_on_commit_callbacks, officer, scope="period",
        period_start=today - timedelta(days=1), period_end=today,
    )  # fmt: skip
    text = pdf_text(current)
    for present in (
        r["risk"].reference,
        r["incident"].reference,
        r["capa"].reference,
        r["review"].reference,
        r["impact"].reference,
    ):
        assert present in text, present  # fmt: skip


def test_request_message_says_what_happened_when_built_in_the_request(
    deployed, client_as, auditor, monkeypatch
):
    """In the embedded default (no broker) the build runs inside the request: the message then
    says the pack is ready (not "being built" above a page that says "Ready")."""
    from audits.packs.tasks import build_evidence_pack

    monkeypatch.setattr(services, "_enqueue", lambda pack: build_evidence_pack(pack.pk))
    client = client_as(auditor)
    response = client.post(reverse("audits:pack_list"), {"scope": "whole"}, follow=True)
    page = response.content.decode()
    pack = EvidencePack.objects.get()
    assert pack.status == EvidencePack.Status.READY
    assert "ready to download" in page and "being built" not in page
    assert f"{pack.page_count} pages" in page


def test_request_message_names_a_failed_build(deployed, client_as, auditor, monkeypatch):
    from audits.packs.tasks import build_evidence_pack

    def broken(context):
        raise RuntimeError("fonts missing")

    monkeypatch.setattr(pack_render, "render_pack", broken)
    monkeypatch.setattr(services, "_enqueue", lambda pack: build_evidence_pack(pack.pk))
    response = client_as(auditor).post(reverse("audits:pack_list"), {"scope": "whole"}, follow=True)
    page = response.content.decode()
    assert "the build failed" in page and "fonts missing" in page and "being built" not in page
