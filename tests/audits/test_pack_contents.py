"""The evidence pack's management-system sections and its numbering, read back from the PDF:
scope, published AI policy, Statement of Applicability, internal audits with findings and
their corrective actions, management reviews, incident timelines, supplier review answers,
evidence versions in the ZIP, continuous page numbers and a contents that points at the right
pages.

Management-system records are made directly with the ORM (their services belong to other
parts of the application); the registers below them go through their real services."""

import io
import json
import re
import zipfile
from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.utils import timezone
from pypdf import PdfReader

from aims.models import (
    AIMSScope,
    CorrectiveAction,
    Course,
    Evidence,
    Objective,
    Policy,
    PolicyAcknowledgement,
    PolicyVersion,
    TrainingRecord,
)
from audits.models import (
    CatalogueItem,
    ChecklistItem,
    ControlStatement,
    EvidencePack,
    Finding,
    InternalAudit,
    ManagementReview,
    ReviewAction,
    SoAVersion,
)
from audits.packs import gather as packs
from audits.packs import render as pack_render
from incidents import services as incidents

from ..factories import make_system
from ..suppliers.helpers import completed_review, connect, link_component, make_supplier
from .test_evidence_packs import pdf_text, report_incident, request_and_build

pytestmark = pytest.mark.django_db
SCOPE = "Design, purchase and use of AI systems in customer service and HR"
POLICY_TEXT = "We use AI only where a named owner answers for its outcomes"
JUSTIFICATION_IN = "Every AI system has a named owner and a human overseer"
JUSTIFICATION_OUT = "We buy models and do not develop any in house"
DECISION = "Fund a second internal auditor for the next cycle"


def control(code: str, title: str) -> CatalogueItem:
    """An Annex A control of the catalogue (loaded after migrate; created if it is not)."""
    item, _ = CatalogueItem.objects.get_or_create(
        code=code,
        defaults={"kind": CatalogueItem.Kind.CONTROL, "title": title, "sort_key": f"2.{code}"},
    )
    return item


def state(item: CatalogueItem, owner, *, applicable: bool, justification: str):
    statement, _ = ControlStatement.objects.get_or_create(item=item)
    statement.applicable, statement.justification, statement.owner = (
        applicable,
        justification,
        owner,
    )
    statement.implementation_status = ControlStatement.Implementation.IMPLEMENTED
    statement.save()
    return statement


def management_records(officer, owner, auditor, tag: str = "") -> dict:
    """A scope, a published AI policy, an objective, training, two SoA statements and an
    approved SoA version, an internal audit with a finding and its CAPA, and a management
    review with a decision and an action."""
    now, today = timezone.now(), timezone.localdate()
    scope = AIMSScope.objects.create(
        statement=SCOPE, boundaries="All offices", ai_roles="deployer", owner=officer,
        approved_by=officer, approved_at=now,
    )  # fmt: skip
    policy = Policy.objects.create(title=f"AI policy{tag}", owner=officer)
    PolicyVersion.objects.create(
        policy=policy, number=1, body="Earlier wording", drafted_by=officer,
        status=PolicyVersion.Status.SUPERSEDED,
    )  # fmt: skip
    published = PolicyVersion.objects.create(
        policy=policy, number=2, body=POLICY_TEXT, status=PolicyVersion.Status.PUBLISHED,
        drafted_by=officer, approved_by=officer, approved_at=now, published_at=now,
        change_summary="Human oversight made explicit",
    )  # fmt: skip
    for user in (owner, auditor):
        PolicyAcknowledgement.objects.create(version=published, user=user)
    objective = Objective.objects.create(
        title=f"Assess every system on time{tag}", measure="Share assessed before release",
        target_value=95, unit="%", owner=officer, due_date=date(2026, 12, 31),
    )  # fmt: skip
    course = Course.objects.create(title=f"AI literacy basics{tag}", is_ai_literacy=True)
    TrainingRecord.objects.create(user=owner, course=course, completed_on=date(2026, 1, 5),
                                  recorded_by=officer)  # fmt: skip
    policy_control = control("A.2.2", "AI policy")
    applicable = state(policy_control, officer, applicable=True, justification=JUSTIFICATION_IN)
    excluded = state(control("A.6.1.2", "Objectives for responsible development of AI system"),
                     officer, applicable=False, justification=JUSTIFICATION_OUT)  # fmt: skip
    number = (SoAVersion.objects.order_by("-number").values_list("number", flat=True).first()
              or 0) + 1  # fmt: skip
    soa = SoAVersion.objects.create(number=number, rows=[], approved_by=officer, approved_at=now)
    audit = InternalAudit.objects.create(
        title=f"Annual internal audit{tag}", scope="The whole AIMS", lead_auditor=auditor,
        planned_start=today - timedelta(days=30), planned_end=today - timedelta(days=26),
        conclusion="Effective, with one minor nonconformity",
    )  # fmt: skip
    ChecklistItem.objects.create(audit=audit, item=policy_control, question="Policy published?",
                                 result=ChecklistItem.Result.NONCONFORMING)  # fmt: skip
    finding = Finding.objects.create(
        audit=audit, kind=Finding.Kind.MINOR, title=f"Acknowledgements incomplete{tag}",
        description="Two teams have not acknowledged the policy", raised_by=auditor,
    )  # fmt: skip
    finding.controls.add(policy_control)
    capa = CorrectiveAction.objects.create(
        title=f"Chase the acknowledgements{tag}", nonconformity="Policy not acknowledged",
        action_plan="Remind and escalate", owner=owner, due_date=date(2026, 6, 30),
        source_type=ContentType.objects.get_for_model(Finding), source_id=finding.pk,
    )  # fmt: skip
    review = ManagementReview.objects.create(
        title=f"Management review 2026{tag}", meeting_date=today - timedelta(days=20),
        chair=officer, decisions=DECISION, inputs={"open_findings": 1, "incidents": 2},
    )  # fmt: skip
    review.attendees.add(owner)
    action = ReviewAction.objects.create(review=review, description="Recruit the auditor",
                                         owner=officer, due_date=date(2026, 9, 30))  # fmt: skip
    return {
        "scope": scope, "policy": policy, "published": published, "objective": objective,
        "course": course, "applicable": applicable, "excluded": excluded, "soa": soa,
        "audit": audit, "finding": finding, "capa": capa, "review": review, "action": action,
    }  # fmt: skip


@pytest.fixture
def ms(officer, owner, auditor):
    return management_records(officer, owner, auditor)


def pages_text(pack: EvidencePack) -> list[str]:
    with pack.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_pack_shows_the_management_system(
    ms, owner, officer, auditor, django_capture_on_commit_callbacks
):
    system = make_system(owner, name="Support chatbot")
    incident = report_incident(owner, system)
    incidents.incident_add_note(actor=owner, incident=incident, message="Order numbers masked")
    pack = request_and_build(django_capture_on_commit_callbacks, auditor, scope="whole")
    assert pack.status == EvidencePack.Status.READY, pack.error
    text = pdf_text(pack)
    for expected in (
        # scope and AI policy, with its published version and acknowledgements
        SCOPE,
        f"Approved by {officer.get_full_name()} ({officer.username})",
        ms["policy"].reference,
        "Version 2, published",
        "2 users acknowledged version 2",
        POLICY_TEXT,
        ms["objective"].reference,
        "AI literacy basics",
        # the Statement of Applicability: rows with code, justification, status, owner
        f"SoA version {ms['soa'].number}",
        f"A.2.2 AI policy Yes {JUSTIFICATION_IN} Implemented {officer.get_full_name()}",
        JUSTIFICATION_OUT,
        # internal audit, checklist, finding and its corrective action
        ms["audit"].reference,
        "Annual internal audit",
        "Nonconforming 1",
        ms["finding"].reference,
        "Acknowledgements incomplete",
        ms["capa"].reference,
        f"Finding {ms['finding'].reference}",
        # management review, its decision and action
        ms["review"].reference,
        DECISION,
        "Recruit the auditor",
        # incident timeline
        incident.reference,
        "Note: Order numbers masked",
        # audit trail of the new registers
        "Created internal audit",
        "Created finding",
    ):
        assert expected in text, expected
    finding_row = re.search(rf"{ms['finding'].reference} Minor nonconformity .*?"
                            rf"{ms['capa'].reference}", text)  # fmt: skip
    assert finding_row, "the finding's row names its corrective action"


def test_pages_are_numbered_across_sections_and_contents_point_at_them(
    ms, owner, auditor, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr(pack_render, "ROWS_PER_RENDER", 60)  # many sections, many batches
    systems = [make_system(owner, name=f"Scoring model {i}") for i in range(4)]
    pack = request_and_build(django_capture_on_commit_callbacks, auditor, scope="whole")
    pages = pages_text(pack)
    total = len(pages)
    assert total == pack.page_count
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in page, number
    assert pack.reference in pages[2]  # the header, on every page after the cover
    entries = contents_entries(" ".join(pages[1:3]))
    expected = {
        "Scope of the AI management system": "Scope of the AI management system Scope statement",
        "Statement of Applicability": "Statement of Applicability Latest approved version",
        "AI system inventory": "AI system inventory Ref.",
        "Internal audits and findings": "Internal audits and findings 1 internal audit",
        "Management reviews": f"Management reviews {ms['review'].reference}",
        "Corrective actions": "Corrective actions 1 corrective action",
        "Audit trail": "Audit trail Chain verification",
        **{f"{s.reference} {s.name}": f"{s.reference} {s.name} Purpose" for s in systems},
    }
    for title, heading in expected.items():
        assert title in entries, title
        assert heading in pages[entries[title] - 1], (title, entries[title])


def contents_entries(text: str) -> dict[str, int]:
    """{entry title: page} from the text of the contents."""
    found = re.findall(r"([A-Z][\w\- ]+?) \.{3,}\s*(\d+)", text.replace("Contents ", ""))
    return {title.strip(): int(page) for title, page in found}


def test_system_pack_keeps_the_management_system_and_only_its_audits(
    ms, owner, officer, auditor, django_capture_on_commit_callbacks
):
    system = make_system(owner, name="Support chatbot")
    other = make_system(owner, name="Invoice anomaly detection")
    elsewhere = InternalAudit.objects.create(
        title="Audit of the invoice model", scope="One system", lead_auditor=auditor,
        planned_start=date(2026, 5, 4), planned_end=date(2026, 5, 5),
    )  # fmt: skip
    elsewhere.systems.add(other)
    pack = request_and_build(
        django_capture_on_commit_callbacks, officer, scope="system", system=system
    )
    text = pdf_text(pack)
    for expected in (SCOPE, POLICY_TEXT, JUSTIFICATION_IN, ms["audit"].reference, DECISION):
        assert expected in text, expected
    assert elsewhere.reference not in text
    assert other.name not in text


def test_period_pack_takes_audits_and_reviews_of_the_period(
    ms, officer, django_capture_on_commit_callbacks
):
    today = timezone.localdate()
    old = request_and_build(
        django_capture_on_commit_callbacks, officer, scope="period",
        period_start=today - timedelta(days=400), period_end=today - timedelta(days=370),
    )  # fmt: skip
    text = pdf_text(old)
    assert ms["audit"].reference not in text and ms["review"].reference not in text
    assert "No internal audit in scope" in text and "No management review in scope" in text
    assert SCOPE in text and JUSTIFICATION_IN in text  # standing records, as they are today
    current = request_and_build(
        django_capture_on_commit_callbacks, officer, scope="period",
        period_start=today - timedelta(days=1), period_end=today,
    )  # fmt: skip
    text = pdf_text(current)
    assert ms["audit"].reference in text and ms["review"].reference in text


def test_supplier_review_answers_are_in_the_pack(
    owner, officer, auditor, django_capture_on_commit_callbacks
):
    connect()
    system = make_system(owner, name="Support chatbot")
    supplier = make_supplier(officer)
    link_component(owner, system, supplier)
    review = completed_review(officer, supplier)
    answer = review.answers.order_by("id").first()
    pack = request_and_build(django_capture_on_commit_callbacks, auditor, scope="whole")
    text = pdf_text(pack)
    assert f"Answers of review {review.reference}" in text
    assert " ".join(answer.question_text.split()[:4]) in text
    assert "Yes, fully" in text


def evidence_on(target, owner, content: bytes, name: str, replaces=None) -> Evidence:
    import hashlib

    item = Evidence(
        title="Audit report", kind=Evidence.Kind.FILE, original_filename=name,
        size_bytes=len(content), sha256=hashlib.sha256(content).hexdigest(), owner=owner,
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk,
        replaces=replaces, version=replaces.version + 1 if replaces else 1,
    )  # fmt: skip
    item.file.save(name, ContentFile(content), save=False)
    item.save()
    if replaces is not None:
        replaces.superseded_at = timezone.now()
        replaces.save()
    return item


def test_zip_packs_the_current_version_and_lists_the_old_ones(
    ms, officer, django_capture_on_commit_callbacks
):
    first = evidence_on(ms["audit"], officer, b"draft audit report", "report.txt")
    current = evidence_on(ms["audit"], officer, b"final audit report", "report.txt", first)
    soa_proof = evidence_on(ms["applicable"], officer, b"policy page", "policy.txt")
    pack = request_and_build(django_capture_on_commit_callbacks, officer, scope="whole")
    with pack.zip.open("rb") as handle:
        archive = zipfile.ZipFile(io.BytesIO(handle.read()))
    listed = json.loads(archive.read("manifest.json"))
    manifest = {row["reference"]: row for row in listed["files"] + listed["entries"]}
    packed = manifest[current.reference]
    assert archive.read(packed["path"]) == b"final audit report"
    assert (
        packed["version"] == 2
        and packed["attached_to"] == f"internal audit {ms['audit'].reference}"
    )
    old = manifest[first.reference]
    assert old["kind"] == "superseded version" and old["path"] == ""
    assert old["replaced_by"] == current.reference and old["recorded_sha256"] == first.sha256
    assert not any(name.startswith(f"evidence/{first.reference}") for name in archive.namelist())
    assert archive.read(manifest[soa_proof.reference]["path"]) == b"policy page"
    text = pdf_text(pack)
    assert current.reference in text and "1 superseded version" in text
    row = f"A.2.2 AI policy Yes {JUSTIFICATION_IN} Implemented {officer.get_full_name()}"
    assert f"{row} {soa_proof.reference}" in text  # the row names its evidence


def test_toc_entries_are_links_to_their_pages(
    ms, owner, auditor, django_capture_on_commit_callbacks
):
    make_system(owner, name="Support chatbot")
    pack = request_and_build(django_capture_on_commit_callbacks, auditor, scope="whole")
    with pack.pdf.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    numbers = {page.indirect_reference.idnum: i for i, page in enumerate(reader.pages)}
    links = [a.get_object() for a in reader.pages[1].get("/Annots") or []]
    targets = [numbers[link.raw_get("/Dest")[0].idnum] for link in links if "/Dest" in link]
    assert len(targets) >= 8 and all(1 < t < len(reader.pages) for t in targets)
    assert targets == sorted(targets)
    assert not any("/URI" in (link.get("/A") or {}) for link in links)
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Statement of Applicability" in outline and "Audit trail" in outline


def test_front_matter_longer_than_assumed_shifts_every_entry(ms, officer):
    """A contents of several pages moves the body: every entry is shifted by the real length
    of the front matter, not by the length first assumed."""
    pack = EvidencePack.objects.create(scope="whole", requested_by=officer)
    context = packs.gather(pack, lambda *_: None)
    toc = [pack_render.TocEntry(f"a{i}", f"Entry {i}", 2, page=i + 1) for i in range(150)]
    front, front_pages = pack_render._render_front(pack_render.Renderer(context, None, 1), toc)
    reader = PdfReader(io.BytesIO(front.pdf))
    assert front_pages == len(reader.pages) > 2
    assert [entry.page for entry in toc] == [i + 1 + front_pages for i in range(150)]
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert contents_entries(text)["Entry 149"] == 150 + front_pages


def test_gathering_is_not_changed_by_render_batching(ms, owner, officer):
    """Batches hold whole systems and never lose or repeat one."""
    for i in range(5):
        make_system(owner, name=f"S{i}")
    pack = EvidencePack.objects.create(scope="whole", requested_by=officer)
    context = packs.gather(pack, lambda *_: None)
    sections = list(pack_render.plan_sections(context))
    in_batches = [s.system.pk for sec in sections if "batch" in sec.context
                  for s in sec.context["batch"]]  # fmt: skip
    assert in_batches == [s.system.pk for s in context["sections"]]
    anchors = [entry.anchor for sec in sections for entry in sec.toc]
    assert len(anchors) == len(set(anchors)) + 1  # "AI systems" shares the first system's
