#!/usr/bin/env python
"""Evidence-pack build benchmark: build time, its split between gathering data and rendering,
peak memory and page count, at growing sizes up to the reference organisation.

The reference organisation (issue 7): 200 AI systems, 2,000 risks, 500 incidents and the full
catalogue, with every register the pack shows: scope, AI policy (published version with
acknowledgements), objectives, training, the Statement of Applicability (a statement on every
Annex A control and an approved SoA version), internal audits with checklists, findings and
their corrective actions, management reviews with actions, suppliers with completed
due-diligence reviews, incident timelines, evidence files and a sealed audit trail.

Each size is built in a fresh child process (like a Celery worker picking up the job), so
"peak_rss_mib" is the peak resident memory of the process that built the pack, not of the
seeding. Prints one JSON object per line on stdout ({"bench": "evidence_pack", "n": systems,
...}) and a summary line; chatter goes to stderr. Runs on a throwaway SQLite file; never
touches var/.

Figures per line: median_ms (the whole build, one run), gather_ms (reading the data),
render_ms (templates + WeasyPrint + merging and numbering), template_ms, weasyprint_ms (inside
WeasyPrint), merge_ms (pypdf: merge, page numbers, outline), zip_ms, render_share and
gather_share (of the whole build), pages, sections (WeasyPrint renders), pdf_bytes,
peak_rss_mib, queries (gathering). "weasyprint_alone_ms" and "ratio_to_weasyprint" compare the
whole build with the time spent inside WeasyPrint.

PACK_BENCH_SIZES=20 (or "10,20") runs smaller steps, e.g. to check the script quickly.
"""

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SIZES = tuple(
    int(n) for n in os.environ.get("PACK_BENCH_SIZES", "50,100,200").split(",") if n.strip()
)
REFERENCE_SIZE = 200
# The parallel build uses one WeasyPrint process per core, as a pack does by default.
PROCESSES = int(os.environ.get("PACK_BENCH_PROCESSES") or min(os.cpu_count() or 1, 4))
# Per system: two gate decisions, three validation records, one change request, two
# components, one dataset, ten risks, two or three incidents (2.5 on average, three timeline
# events each) and one corrective action, one evidence file: at 200 systems, the issue's
# 2,000 risks and 500 incidents.
RISKS_PER_SYSTEM = 10
SUPPLIERS = 12
RISK_SHAPES = [  # (category, inherent likelihood, impact, treatment, residual likelihood, impact)
    ("fairness", 4, 4, "mitigate", 2, 3),
    ("privacy", 3, 5, "mitigate", 2, 4),
    ("accuracy", 4, 3, "mitigate", 2, 2),
    ("security", 3, 4, "transfer", 2, 3),
    ("transparency", 3, 3, "mitigate", 2, 2),
    ("robustness", 2, 4, "accept", 2, 4),
    ("human_oversight", 3, 4, "mitigate", 1, 3),
    ("third_party", 4, 4, "mitigate", 3, 3),
    ("misuse", 2, 5, "avoid", 1, 2),
    ("legal", 3, 5, "mitigate", 2, 4),
]
# ISO/IEC 42001 identifiers and short titles (facts), used when the catalogue loader
# (audits/catalogue/services.py) is not there to load the project's own catalogue.
CLAUSES = [
    ("4", "Context of the organization", True),
    ("4.1", "Understanding the organization and its context", False),
    ("4.2", "Needs and expectations of interested parties", False),
    ("4.3", "Scope of the AI management system", False),
    ("4.4", "AI management system", False),
    ("5", "Leadership", True),
    ("5.1", "Leadership and commitment", False),
    ("5.2", "AI policy", False),
    ("5.3", "Roles, responsibilities and authorities", False),
    ("6", "Planning", True),
    ("6.1.1", "General", False),
    ("6.1.2", "AI risk assessment", False),
    ("6.1.3", "AI risk treatment", False),
    ("6.1.4", "AI system impact assessment", False),
    ("6.2", "AI objectives and planning", False),
    ("6.3", "Planning of changes", False),
    ("7", "Support", True),
    ("7.1", "Resources", False),
    ("7.2", "Competence", False),
    ("7.3", "Awareness", False),
    ("7.4", "Communication", False),
    ("7.5.1", "General", False),
    ("7.5.2", "Creating and updating documented information", False),
    ("7.5.3", "Control of documented information", False),
    ("8", "Operation", True),
    ("8.1", "Operational planning and control", False),
    ("8.2", "AI risk assessment", False),
    ("8.3", "AI risk treatment", False),
    ("8.4", "AI system impact assessment", False),
    ("9", "Performance evaluation", True),
    ("9.1", "Monitoring, measurement, analysis and evaluation", False),
    ("9.2.1", "General", False),
    ("9.2.2", "Internal audit programme", False),
    ("9.3.1", "General", False),
    ("9.3.2", "Management review inputs", False),
    ("9.3.3", "Management review results", False),
    ("10", "Improvement", True),
    ("10.1", "Continual improvement", False),
    ("10.2", "Nonconformity and corrective action", False),
]
CONTROLS = [
    ("A.2", "Policies related to AI", True),
    ("A.2.2", "AI policy", False),
    ("A.2.3", "Alignment with other organizational policies", False),
    ("A.2.4", "Review of the AI policy", False),
    ("A.3", "Internal organization", True),
    ("A.3.2", "AI roles and responsibilities", False),
    ("A.3.3", "Reporting of concerns", False),
    ("A.4", "Resources for AI systems", True),
    ("A.4.2", "Resource documentation", False),
    ("A.4.3", "Data resources", False),
    ("A.4.4", "Tooling resources", False),
    ("A.4.5", "System and computing resources", False),
    ("A.4.6", "Human resources", False),
    ("A.5", "Assessing impacts of AI systems", True),
    ("A.5.2", "AI system impact assessment process", False),
    ("A.5.3", "Documentation of AI system impact assessments", False),
    ("A.5.4", "Assessing AI system impact on individuals or groups of individuals", False),
    ("A.5.5", "Assessing societal impacts of AI systems", False),
    ("A.6", "AI system life cycle", True),
    ("A.6.1.2", "Objectives for responsible development of AI system", False),
    ("A.6.1.3", "Processes for responsible AI system design and development", False),
    ("A.6.2.2", "AI system requirements and specification", False),
    ("A.6.2.3", "Documentation of AI system design and development", False),
    ("A.6.2.4", "AI system verification and validation", False),
    ("A.6.2.5", "AI system deployment", False),
    ("A.6.2.6", "AI system operation and monitoring", False),
    ("A.6.2.7", "AI system technical documentation", False),
    ("A.6.2.8", "AI system recording of event logs", False),
    ("A.7", "Data for AI systems", True),
    ("A.7.2", "Data for development and enhancement of AI system", False),
    ("A.7.3", "Acquisition of data", False),
    ("A.7.4", "Quality of data for AI systems", False),
    ("A.7.5", "Data provenance", False),
    ("A.7.6", "Data preparation", False),
    ("A.8", "Information for interested parties", True),
    ("A.8.2", "System documentation and information for users", False),
    ("A.8.3", "External reporting", False),
    ("A.8.4", "Communication of incidents", False),
    ("A.8.5", "Information for interested parties", False),
    ("A.9", "Use of AI systems", True),
    ("A.9.2", "Processes for responsible use of AI systems", False),
    ("A.9.3", "Objectives for responsible use of AI system", False),
    ("A.9.4", "Intended use of the AI system", False),
    ("A.10", "Third-party and customer relationships", True),
    ("A.10.2", "Allocating responsibilities", False),
    ("A.10.3", "Suppliers", False),
    ("A.10.4", "Customers", False),
]


def emit(record: dict) -> None:
    print(json.dumps(record), flush=True)


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def setup_django(tmp: Path, *, migrate: bool) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'pack.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aims.settings")
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)


# --- Seeding ---------------------------------------------------------------------------------


def seed(upto: int, start: int, users: dict) -> None:
    """Add systems ``start``..``upto`` with their records, in bulk, with history rows."""
    from simple_history.utils import bulk_create_with_history

    from inventory.models import (
        AISystem,
        Approval,
        ChangeRequest,
        Component,
        Dataset,
        ValidationRecord,
    )
    from suppliers.models import Supplier
    from tests.factories import INTAKE_DATA

    bulk_create_with_history(
        [
            AISystem(**{**INTAKE_DATA, "name": f"Reference system {i}"}, owner=users["owner"],
                     lifecycle_stage="deployed", risk_tier="high",
                     oversight_person=users["approver"])
            for i in range(start, upto)
        ],
        AISystem,
    )  # fmt: skip
    systems = list(AISystem.objects.filter(name__startswith="Reference system ").order_by("id"))[
        start:upto
    ]
    suppliers = list(Supplier.objects.order_by("id"))
    day = date(2026, 10, 1)
    bulk_create_with_history(
        [Approval(system=s, gate=g, round=1, approver=users["approver"], decision="approve",
                  comment="Meets the tier's requirements") for s in systems
         for g in ("intake", "release")],
        Approval,
    )  # fmt: skip
    bulk_create_with_history(
        [ValidationRecord(system=s, test_type=t, title=f"{t} test", method="Holdout set of "
                          "2,000 cases with the agreed thresholds", result="pass",
                          performed_on=day - timedelta(days=3), performed_by=users["owner"])
         for s in systems for t in ("accuracy", "bias", "security")],
        ValidationRecord,
    )  # fmt: skip
    bulk_create_with_history(
        [ChangeRequest(system=s, kind="model_update", title="Vendor model v2",
                       description="New model version from the vendor", is_material=True,
                       status="released", requested_by=users["owner"]) for s in systems],
        ChangeRequest,
    )  # fmt: skip
    bulk_create_with_history(
        [Component(system=s, name=f"Model {k}", version="1.2", provider="Vendor",
                   supplier=suppliers[(s.pk + k) % len(suppliers)] if suppliers else None)
         for s in systems for k in range(2)],
        Component,
    )  # fmt: skip
    bulk_create_with_history(
        [Dataset(system=s, name="Case history", source="CRM export, 2019-2025")
         for s in systems],
        Dataset,
    )  # fmt: skip
    seed_risks_and_incidents(systems, users)
    seed_evidence(systems, users)


def seed_risks_and_incidents(systems: list, users: dict) -> None:
    """Ten risks, two or three incidents (with their timeline) and a corrective action per
    system, in bulk."""
    from django.contrib.contenttypes.models import ContentType
    from simple_history.utils import bulk_create_with_history

    from aims.models import CorrectiveAction
    from incidents.models import Incident, IncidentEvent
    from risk.models import Risk
    from risk.services import methodology_current

    method = methodology_current()
    risks = []
    for s in systems:
        for k in range(RISKS_PER_SYSTEM):
            category, il, ii, treatment, rl, ri = RISK_SHAPES[k % len(RISK_SHAPES)]
            risks.append(Risk(
                system=s, title=f"{category.replace('_', ' ').capitalize()} risk {k + 1}",
                description="Identified in the annual assessment", category=category,
                risk_source="machine_learning", inherent_likelihood=il, inherent_impact=ii,
                inherent_score=il * ii, inherent_level=method.level_for(il * ii),
                treatment=treatment, residual_likelihood=rl, residual_impact=ri,
                residual_score=rl * ri, residual_level=method.level_for(rl * ri),
                methodology_version=method.version, appetite=method.appetite,
                owner=users["owner"],
            ))  # fmt: skip
    bulk_create_with_history(risks, Risk)
    severities = ("sev2", "sev3", "sev4")
    bulk_create_with_history(
        [Incident(system=s, title=f"Incident {k + 1} on {s.name}",
                  description="Wrong answers reported by users", owner=users["owner"],
                  reporter=users["owner"], detection_channel="user_complaint",
                  category="inaccurate", severity=severities[k])
         for i, s in enumerate(systems) for k in range(3 if i % 2 == 0 else 2)],
        Incident,
    )  # fmt: skip
    incidents = list(Incident.objects.filter(system__in=systems).order_by("id"))
    Incident.systems.through.objects.bulk_create(
        [Incident.systems.through(incident_id=i.pk, aisystem_id=i.system_id) for i in incidents]
    )
    IncidentEvent.objects.bulk_create(
        [IncidentEvent(incident=i, actor=users["owner"], kind=kind, message=message)
         for i in incidents for kind, message in (
             ("reported", "Reported by the system owner after user complaints"),
             ("contained", "Answers on the affected topic switched to human handover"),
             ("note", "Root cause traced to an outdated knowledge-base article"))],
    )  # fmt: skip
    first = {}
    for incident in incidents:
        first.setdefault(incident.system_id, incident)
    incident_type = ContentType.objects.get_for_model(Incident)
    bulk_create_with_history(
        [CorrectiveAction(title="Add a grounding check", nonconformity="Wrong answers reached "
                          "users", action_plan="Check answers against the knowledge base",
                          owner=users["owner"], due_date=date(2026, 12, 31),
                          source_type=incident_type, source_id=i.pk)
         for i in first.values()],
        CorrectiveAction,
    )  # fmt: skip


def seed_evidence(systems: list, users: dict) -> None:
    """One small evidence file per system (a model card), stored like an upload."""
    import hashlib

    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile
    from simple_history.utils import bulk_create_with_history

    from aims.models import Evidence
    from inventory.models import AISystem

    system_type = ContentType.objects.get_for_model(AISystem)
    rows = []
    for s in systems:
        content = f"Model card of {s.name}\nIntended use: {s.purpose}\n".encode() * 20
        item = Evidence(title="Model card", kind="file", original_filename="model-card.txt",
                        size_bytes=len(content), sha256=hashlib.sha256(content).hexdigest(),
                        owner=users["owner"], target_type=system_type, target_id=s.pk)  # fmt: skip
        item.file.save("model-card.txt", ContentFile(content), save=False)
        rows.append(item)
    bulk_create_with_history(rows, Evidence)


def seed_catalogue(users: dict) -> None:
    """The full catalogue (the project's loader when it exists), a statement on every Annex A
    control and an approved SoA version."""
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history, bulk_update_with_history

    from audits.models import CatalogueItem, ControlStatement, SoAVersion

    try:
        from audits.catalogue.services import load_catalogue

        load_catalogue()
    except Exception as exc:  # noqa: BLE001 -- missing or unfinished loader: seed directly
        log(f"catalogue loader not usable ({type(exc).__name__}); seeding the catalogue directly")
    if not CatalogueItem.objects.filter(kind="control").exists():
        parents: dict[str, CatalogueItem] = {}
        for kind, rows in (("clause", CLAUSES), ("control", CONTROLS)):
            for code, title, heading in rows:
                key = ".".join(part.zfill(3) for part in code.replace("A.", "A").split("."))
                parent = parents.get(code.rsplit(".", 1)[0]) if "." in code else None
                parents[code] = CatalogueItem.objects.create(
                    code=code, kind=kind, title=title, is_heading=heading, parent=parent,
                    sort_key=key,
                )  # fmt: skip
    controls = list(CatalogueItem.objects.filter(kind="control", is_heading=False))
    existing = {st.item_id: st for st in ControlStatement.objects.all()}
    statements = []
    for i, control in enumerate(controls):
        statement = existing.get(control.pk) or ControlStatement(item=control)
        statement.applicable = i % 9 != 4
        statement.owner = users["officer"]
        statement.implementation_status = "implemented" if i % 3 else "partial"
        statement.justification = (
            "Needed for the AI systems we deploy and the risks they carry"
            if statement.applicable
            else "We do not develop models in house"
        )
        statement.implementation_notes = "Procedure and records kept in the AIMS"
        statements.append(statement)
    fields = ["applicable", "owner", "implementation_status", "justification",
              "implementation_notes"]  # fmt: skip
    bulk_update_with_history(
        [st for st in statements if st.pk], ControlStatement, fields, default_change_reason="SoA"
    )
    bulk_create_with_history([st for st in statements if not st.pk], ControlStatement)
    SoAVersion.objects.create(
        number=1, note="Initial statement", approved_by=users["officer"],
        approved_at=timezone.now(),
        rows=[{"code": c.code, "applicable": True} for c in controls],
    )  # fmt: skip


def seed_management_system(users: dict) -> None:
    """Scope, AI policy, objectives, training, internal audits, reviews and suppliers."""
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone
    from simple_history.utils import bulk_create_with_history

    from aims.models import (
        AIMSScope,
        CorrectiveAction,
        Course,
        Objective,
        Policy,
        PolicyAcknowledgement,
        PolicyVersion,
        TrainingRecord,
    )
    from audits.models import (
        CatalogueItem,
        ChecklistItem,
        Finding,
        InternalAudit,
        ManagementReview,
        ReviewAction,
    )
    from suppliers.models import ReviewAnswer, Supplier, SupplierReview

    officer, owner, now = users["officer"], users["owner"], timezone.now()
    AIMSScope.objects.create(
        statement="Design, procurement and use of AI systems across all business units.",
        boundaries="All sites; customer service, HR, finance and risk.", owner=officer,
        ai_roles="deployer, provider", approved_by=officer, approved_at=now,
    )  # fmt: skip
    policy = Policy.objects.create(title="AI policy", purpose="How we use AI", owner=officer)
    PolicyVersion.objects.create(policy=policy, number=1, body="Earlier text.",
                                 status="superseded", drafted_by=officer)  # fmt: skip
    published = PolicyVersion.objects.create(
        policy=policy, number=2, status="published", drafted_by=officer, approved_by=officer,
        approved_at=now, published_at=now,
        body="\n\n".join(f"Principle {i}: we use AI only where its benefits outweigh its "
                         "risks, with a named owner and human oversight." for i in range(12)),
    )  # fmt: skip
    for user in users.values():
        PolicyAcknowledgement.objects.create(version=published, user=user)
    Objective.objects.bulk_create(
        [Objective(title=f"Objective {i}", measure="Share of systems assessed on time",
                   target_value=95, unit="%", owner=officer, due_date=date(2026, 12, 31))
         for i in range(6)]
    )  # fmt: skip
    courses = [Course.objects.create(title=f"Course {i}", is_ai_literacy=i == 0,
                                     validity_months=12) for i in range(4)]  # fmt: skip
    TrainingRecord.objects.bulk_create(
        [TrainingRecord(user=u, course=c, completed_on=date(2026, 1, 10),
                        expires_on=date(2027, 1, 10), recorded_by=officer)
         for c in courses for u in users.values()]
    )  # fmt: skip
    controls = list(CatalogueItem.objects.filter(kind="control", is_heading=False))
    finding_type = ContentType.objects.get_for_model(Finding)
    for number in range(2):
        audit = InternalAudit.objects.create(
            title=f"Internal audit {2025 + number}", scope="The whole AIMS",
            lead_auditor=users["auditor"], planned_start=date(2025 + number, 3, 1),
            planned_end=date(2025 + number, 3, 10), conclusion="Effective with findings",
        )  # fmt: skip
        ChecklistItem.objects.bulk_create(
            [ChecklistItem(audit=audit, item=c, question=f"Is {c.code} in place?",
                           result="conforming" if k % 7 else "nonconforming")
             for k, c in enumerate(controls)]
        )  # fmt: skip
        findings = bulk_create_with_history(
            [Finding(audit=audit, kind="minor", title=f"Finding {k}", raised_by=users["auditor"],
                     description="Records incomplete for some systems") for k in range(6)],
            Finding,
        )  # fmt: skip
        findings = list(Finding.objects.filter(audit=audit))
        bulk_create_with_history(
            [CorrectiveAction(title=f"Complete the records ({f.title})", due_date=date(2026, 6, 30),
                              nonconformity=f.description, action_plan="Fill the gaps",
                              owner=owner, source_type=finding_type, source_id=f.pk)
             for f in findings],
            CorrectiveAction,
        )  # fmt: skip
        review = ManagementReview.objects.create(
            title=f"Management review {2025 + number}", meeting_date=date(2025 + number, 4, 1),
            chair=officer, status="held", decisions="Extend monitoring to every high-tier "
            "system; budget for a second auditor.", inputs={"open_findings": 6, "incidents": 12},
        )  # fmt: skip
        review.attendees.set([officer, owner])
        ReviewAction.objects.bulk_create(
            [ReviewAction(review=review, description=f"Action {k}", owner=owner,
                          due_date=date(2026, 9, 30)) for k in range(5)]
        )  # fmt: skip
    suppliers = bulk_create_with_history(
        [Supplier(name=f"Supplier {i}", supplier_type="model_provider", owner=officer,
                  services_used="Hosted model API", criticality="high") for i in range(SUPPLIERS)],
        Supplier,
    )  # fmt: skip
    suppliers = list(Supplier.objects.order_by("id"))
    bulk_create_with_history(
        [SupplierReview(supplier=s, reviewer=officer, status="completed", score=82,
                        rating="strong", decision="approve", completed_at=now,
                        summary="Meets our requirements") for s in suppliers],
        SupplierReview,
    )  # fmt: skip
    ReviewAnswer.objects.bulk_create(
        [ReviewAnswer(review=r, topic="security", question_text=f"Question {k}?", weight=2,
                      position=k, value="yes", comment="Certified")
         for r in SupplierReview.objects.all() for k in range(20)]
    )  # fmt: skip


# --- Measuring (in a fresh child process) ----------------------------------------------------


def measure(n: int, processes: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from audits.models import EvidencePack
    from audits.packs import archive as pack_archive
    from audits.packs import gather as packs
    from audits.packs import render as pack_render
    from incidents.models import Incident
    from risk.models import Risk

    auditor = EvidencePack._meta.get_field("requested_by").related_model.objects.get(
        username="bench_auditor"
    )
    pack = EvidencePack.objects.create(scope="whole", requested_by=auditor)
    t0 = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        context = packs.gather(pack, lambda *_: None)
    t1 = time.perf_counter()
    stats: dict = {}
    pdf, pages = pack_render.render_pack(context, stats=stats, processes=processes)
    t2 = time.perf_counter()
    archive = pack_archive.build_zip(pack, pdf, context["evidence"], context["superseded_evidence"])
    archive.close()
    t3 = time.perf_counter()
    total = t3 - t0
    weasy = stats["weasyprint_s"]  # summed over the processes: their CPU share, not wall time
    own_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "bench": "evidence_pack" if processes == 1 else "evidence_pack_parallel",
        "n": n,
        "processes": processes,
        "risks": Risk.objects.count(),
        "incidents": Incident.objects.count(),
        "median_ms": round(total * 1000, 1),  # one build per size: these are single runs
        "queries": len(queries.captured_queries),
        "gather_ms": round((t1 - t0) * 1000, 1),
        "render_ms": round((t2 - t1) * 1000, 1),
        "template_ms": round(stats["template_s"] * 1000, 1),
        "weasyprint_ms": round(weasy * 1000, 1),
        "merge_ms": round(stats["merge_s"] * 1000, 1),
        "zip_ms": round((t3 - t2) * 1000, 1),
        "weasyprint_alone_ms": round(weasy * 1000, 1),
        "ratio_to_weasyprint": round(total / weasy, 3),
        "render_share": round((t2 - t1) / total, 3),
        "gather_share": round((t1 - t0) / total, 3),
        "pages": pages,
        "sections": stats["sections"],
        "pdf_bytes": len(pdf),
        "evidence_files": len(context["evidence"]),
        "ms_per_system": round(total * 1000 / n, 1),
        "peak_rss_mib": round(own_peak, 1),
        # the WeasyPrint processes, each at most this much: together at most the total below
        "worker_peak_rss_mib": round(children_peak, 1) if processes > 1 else 0.0,
        "peak_rss_total_mib": round(
            own_peak + (children_peak if processes > 1 else 0) * processes, 1
        ),  # fmt: skip
        "load_1m": round(os.getloadavg()[0], 2),
    }


def seal_seeded() -> None:
    """As in production every history row is in the chain: the rows bulk seeding wrote
    without history signals are sealed straight away, as benchmarks/trail.py does. (Adopting
    them on an officer's word is refused once service writes have sealed later rows: the
    chain is never back-dated.)"""
    from audits.trail.chain import seal_rows, unsealed_rows

    seal_rows(unsealed_rows())


def child(tmp: Path, n: int, processes: int) -> None:
    setup_django(tmp, migrate=False)
    emit(measure(n, processes))


def build_in_child(tmp: Path, n: int, processes: int = 1) -> dict:
    result = subprocess.run(  # noqa: S603 -- this very script, with our own arguments
        [sys.executable, __file__, "--measure", str(tmp), str(n), str(processes)],
        check=True, stdout=subprocess.PIPE, text=True, env={**os.environ},
    )  # fmt: skip
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="aims-pack-bench-") as tmp_name:
        tmp = Path(tmp_name)
        setup_django(tmp, migrate=True)
        from aims.roles import APPROVER, AUDITOR, OFFICER, OWNER
        from tests.factories import user_with_role

        users = {
            "owner": user_with_role(OWNER, username="bench_owner"),
            "approver": user_with_role(APPROVER, username="bench_approver"),
            "auditor": user_with_role(AUDITOR, username="bench_auditor"),
            "officer": user_with_role(OFFICER, username="bench_officer"),
        }
        seed_catalogue(users)
        seal_seeded()
        seed_management_system(users)
        seal_seeded()
        seeded = 0
        results, parallel = [], []
        for n in SIZES:
            seed(n, seeded, users)
            seeded = n
            seal_seeded()
            log(f"seeded {n} systems; building in a fresh process")
            results.append(build_in_child(tmp, n))
            emit(results[-1])
            log(f"building again with {PROCESSES} WeasyPrint processes")
            parallel.append(build_in_child(tmp, n, PROCESSES))
            single_weasy = results[-1]["weasyprint_ms"]
            parallel[-1]["ratio_to_single_process_weasyprint"] = round(
                parallel[-1]["median_ms"] / single_weasy, 3
            )
            emit(parallel[-1])
        first, last = results[0], results[-1]
        growth = (last["median_ms"] / first["median_ms"]) / (last["n"] / first["n"])
        emit({
            "bench": "evidence_pack_summary",
            "n": last["n"],
            "median_ms": last["median_ms"],
            "queries": last["queries"],
            "linear_growth_factor": round(growth, 3),  # 1.0: time grows exactly with content
            "max_ratio_to_weasyprint": max(r["ratio_to_weasyprint"] for r in results),
            "target_ratio": 1.25,
            "pages": last["pages"],
            "render_share": last["render_share"],
            "gather_share": last["gather_share"],
            "peak_rss_mib": max(r["peak_rss_mib"] for r in results),
            "target_peak_rss_mib": 1024,
            # sections in parallel: the whole build against single-process WeasyPrint alone
            "parallel_processes": PROCESSES,
            "parallel_median_ms": parallel[-1]["median_ms"],
            "parallel_ratio_to_single_process_weasyprint":
                parallel[-1]["ratio_to_single_process_weasyprint"],
            "target_parallel_ratio": 0.6,
            "parallel_peak_rss_total_mib": max(r["peak_rss_total_mib"] for r in parallel),
            "parallel_target_met": parallel[-1]["ratio_to_single_process_weasyprint"] < 0.6
            and max(r["peak_rss_total_mib"] for r in parallel) < 1024,
            "reference_size": REFERENCE_SIZE,
        })  # fmt: skip


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--measure":
        child(Path(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
    else:
        main()
