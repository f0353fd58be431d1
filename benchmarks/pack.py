#!/usr/bin/env python
"""Evidence-pack build benchmark (TARGETS.md): build time, its split between gathering data
and WeasyPrint, peak memory and page count, at growing sizes of a reference organisation.

Prints one JSON object per line on stdout ({"bench": "evidence_pack", "n": systems, ...});
chatter goes to stderr. Runs on a throwaway SQLite file; never touches var/.

The pack holds every register that exists: inventory, classification and tier, risks and
assessments, monitoring, incidents and corrective actions, approvals, validation, changes,
suppliers, evidence and the audit trail. The catalogue joins it when its app lands.

PACK_BENCH_SIZES=20 (or "10,20") runs smaller steps, e.g. to check the script quickly.
"""

import json
import os
import resource
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
# Per system: two gate decisions, three validation records, one change request, two
# components, one dataset, ten risks, two or three incidents (2.5 on average) and one
# corrective action: at 200 systems, the 2,000 risks and 500 incidents.
RISKS_PER_SYSTEM = 10
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


def emit(record: dict) -> None:
    print(json.dumps(record), flush=True)


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def setup_django(tmp: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'pack.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(tmp / "media")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aims.settings")
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


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
    from tests.factories import INTAKE_DATA

    systems = bulk_create_with_history(
        [
            AISystem(**{**INTAKE_DATA, "name": f"Reference system {i}"}, owner=users["owner"],
                     lifecycle_stage="deployed", risk_tier="high")
            for i in range(start, upto)
        ],
        AISystem,
    )  # fmt: skip
    systems = list(AISystem.objects.filter(name__startswith="Reference system ").order_by("id"))[
        start:upto
    ]
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
        [Component(system=s, name=f"Model {k}", version="1.2", provider="Vendor")
         for s in systems for k in range(2)],
        Component,
    )  # fmt: skip
    bulk_create_with_history(
        [Dataset(system=s, name="Case history", source="CRM export, 2019-2025")
         for s in systems],
        Dataset,
    )  # fmt: skip
    seed_risks_and_incidents(systems, users)


def seed_risks_and_incidents(systems: list, users: dict) -> None:
    """Ten risks, two or three incidents and a corrective action per system, in bulk."""
    from django.contrib.contenttypes.models import ContentType
    from simple_history.utils import bulk_create_with_history

    from aims.models import CorrectiveAction
    from incidents.models import Incident
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


def measure(n: int, users: dict) -> dict:
    from django.template.loader import render_to_string

    from audits import packs
    from audits.models import EvidencePack

    pack = EvidencePack.objects.create(scope="whole", requested_by=users["auditor"])
    t0 = time.perf_counter()
    context = packs.gather(pack, lambda *_: None)
    t1 = time.perf_counter()
    html = render_to_string("audits/pdf/evidence_pack.html", context)
    t2 = time.perf_counter()
    pdf, pages = packs.render_pdf(context)
    t3 = time.perf_counter()
    packs.build_zip(pack, pdf, context["evidence"])
    t4 = time.perf_counter()

    # WeasyPrint alone on the same HTML: the floor the pack is compared with.
    from django.conf import settings
    from weasyprint import HTML

    w0 = time.perf_counter()
    HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    weasy = time.perf_counter() - w0
    total = t4 - t0
    from incidents.models import Incident
    from risk.models import Risk

    return {
        "bench": "evidence_pack",
        "n": n,
        "risks": Risk.objects.count(),
        "incidents": Incident.objects.count(),
        "median_ms": round(total * 1000, 1),  # one build per size: these are single runs
        "queries": None,
        "gather_ms": round((t1 - t0) * 1000, 1),
        "template_ms": round((t2 - t1) * 1000, 1),
        "render_ms": round((t3 - t2) * 1000, 1),
        "zip_ms": round((t4 - t3) * 1000, 1),
        "weasyprint_alone_ms": round(weasy * 1000, 1),
        "ratio_to_weasyprint": round(total / weasy, 3),
        "render_share": round((t3 - t2) / total, 3),
        "pages": pages,
        "pdf_bytes": len(pdf),
        "ms_per_system": round(total * 1000 / n, 1),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load_1m": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="aims-pack-bench-") as tmp:
        setup_django(Path(tmp))
        from aims.roles import APPROVER, AUDITOR, OWNER
        from tests.factories import user_with_role

        users = {
            "owner": user_with_role(OWNER, username="bench_owner"),
            "approver": user_with_role(APPROVER, username="bench_approver"),
            "auditor": user_with_role(AUDITOR, username="bench_auditor"),
        }
        seeded = 0
        results = []
        for n in SIZES:
            seed(n, seeded, users)
            seeded = n
            log(f"seeded {n} systems; building")
            results.append(measure(n, users))
            emit(results[-1])
        first, last = results[0], results[-1]
        growth = (last["median_ms"] / first["median_ms"]) / (last["n"] / first["n"])
        emit({
            "bench": "evidence_pack_summary",
            "n": last["n"],
            "median_ms": last["median_ms"],
            "queries": None,
            "linear_growth_factor": round(growth, 3),  # 1.0: time grows exactly with content
            "max_ratio_to_weasyprint": max(r["ratio_to_weasyprint"] for r in results),
            "target_ratio": 1.25,
            "peak_rss_mib": last["peak_rss_mib"],
            "target_peak_rss_mib": 1024,
        })  # fmt: skip


if __name__ == "__main__":
    main()
