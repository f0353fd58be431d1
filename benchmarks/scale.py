#!/usr/bin/env python
"""Every page at ten times the reference organisation (issue 21, TARGETS.md).

Prints one JSON object per line on stdout, progress on stderr; the last line is
``{"bench": "summary", "all_targets_met": ...}``. See benchmarks/README.md.

Seeds, through the models with their history rows sealed into the audit trail, an
organisation of 10,000 systems, 100,000 risks, 25,000 incidents, 50,000 evidence items, 5,000
suppliers, 2,000 internal-audit findings, 1,000,000 history rows and 1,000,000 observations
(``--scale`` multiplies every count), first at ``--small`` of that size, then topped up to the
full size. At the small size each page's queries are counted; at the full size each page is
timed and counted again, as officer, owner, approver and auditor, so the summary can say
whether query counts depend on the size.

The database is a fresh SQLite file in a temporary folder, or the PostgreSQL database named by
BENCH_DATABASE_URL (created and dropped, as benchmarks/run.py does).
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import statistics
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _common import (  # noqa: E402  (after the path)
    Database,
    analyse,
    configure_environment,
    emit,
    log,
    measure,
    percentile,
    profile,
    random_system,
)

# The reference organisation times ten (issue 21).
FULL = {
    "systems": 10_000,
    "risks": 100_000,
    "incidents": 25_000,
    "evidence": 50_000,
    "suppliers": 5_000,
    "findings": 2_000,
    "history": 1_000_000,
    "observations": 1_000_000,
}
FINDINGS_PER_AUDIT = 10
METRICS_PER_SYSTEM = 2
N_OWNERS = 20
TAB_HISTORY = 1_000  # history rows of the system whose tabs are measured
BATCH = 5_000  # records per transaction (history rows sealed in the same one)

PAGE_MS = 100.0
DASHBOARD_MS = 150.0  # dashboard and readiness
REVIEW_MS = 2_000.0
EXPORT_ROWS_PER_S = 20_000
EXPORT_PEAK_MIB = 64.0  # "flat memory": an export never holds its table
EXPORT_JUDGED_FROM = 2_000  # rows: below, the request's fixed cost dominates the rate
TRAIL_SECONDS = 60.0
SLOW_PAGES = {"aims:dashboard", "soa:readiness", "api:readiness"}

ROLES = ("officer", "owner", "approver", "auditor")
# Parameterless GET routes that are not list or overview pages: forms, sign-in and password
# pages, API documentation, the verification endpoint (its own bench below), files (exports
# are measured as exports).
SKIP_NAME_PARTS = ("_add", "_create", "_edit", "-create", "password", "login", "unlock")
SKIP_NAMES = {
    "schema",
    "api-docs",
    "api:audit-trail-verify",
    "aims:dashboard_summary_pdf",
    "inventory:intake_start",
    "soa:version_approve",
    "inventory:intake_similar",
}
SEARCH = "screening"
# The search's extremes: a word in every risk's title (its index yields 100,000 keys to sort)
# and a word in nothing (a search that read every row's words would read them all for it).
EXTREMES = {"common": "risk", "absent": "zebra"}
# Measured first (the issue names them); the rest of the discovered lists follow.
FIRST = (
    "aims:dashboard", "soa:readiness", "api:readiness", "soa:gap_register", "api:readiness-gaps",
    "soa:statement_list", "api:controlstatement-list", "risk:register", "risk:system_risk",
    "api:risk-list", "incidents:incident_list", "api:incident-list", "suppliers:supplier_list",
    "api:supplier-list", "evidence:evidence_list", "api:evidence-library-list",
    "internal_audits:audit_list", "internal_audits:finding_list", "api:internalaudit-list",
    "api:finding-list", "inventory:system_list", "api:system-list", "inventory:system_tab",
    "inventory:system_detail", "api:system-detail", "aims:search", "api:search",
)  # fmt: skip

WORDS = [
    "CV", "screening", "chatbot", "forecast", "triage", "vision", "claims", "fraud", "churn",
    "pricing", "routing", "summariser", "translation", "copilot", "search", "ranking", "anomaly",
]  # fmt: skip


# --- seeding --------------------------------------------------------------------------------


class Seeder:
    """Creates records up to a size, in batches, each batch with its history rows sealed into
    the audit trail in the same transaction (what the services do one row at a time)."""

    def __init__(self, tab_history: int = TAB_HISTORY) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from aims.roles import APPROVER, AUDITOR, OFFICER, OWNER

        self.rng = random.Random(21)
        self.done = dict.fromkeys(FULL, 0)
        self.history = 0
        user_model = get_user_model()

        def user(name: str, group: str):
            person = user_model(username=name, email=f"{name}@example.org", first_name=name)
            person.set_unusable_password()  # force_login needs none
            person.save()
            person.groups.add(Group.objects.get(name=group))
            return person

        self.officer = user("scale-officer", OFFICER)
        self.approver = user("scale-approver", APPROVER)
        self.auditor = user("scale-auditor", AUDITOR)
        self.owners = [user(f"scale-owner{i:02d}", OWNER) for i in range(N_OWNERS)]
        self.users = {
            "officer": self.officer,
            "owner": self.owners[0],
            "approver": self.approver,
            "auditor": self.auditor,
        }
        self.system_ids: list[int] = []
        self.system_owner: dict[int, int] = {}
        self.audit_ids: list[int] = []
        self.metric_ids: list[int] = []
        self.tab_system = None
        self.tab_history_rows = tab_history

    # The sealed bulk write every kind goes through.
    def _create(self, model, objs: list, *, update_of: list | None = None) -> list:
        """``bulk_create`` ``objs`` (or, with ``update_of``, no records: "changed" history rows
        of those records) with history rows, sealed in the same transaction."""
        from django.db import transaction
        from django.utils import timezone

        from audits.trail.chain import seal_rows

        created = []
        source = update_of if update_of is not None else objs
        for start in range(0, len(source), BATCH):
            chunk = source[start : start + BATCH]
            with transaction.atomic():
                if update_of is None:
                    chunk = model.objects.bulk_create(chunk, batch_size=1000)
                rows = model.history.bulk_history_create(
                    chunk,
                    batch_size=1000,
                    update=update_of is not None,
                    default_user=self.officer,
                    default_change_reason="Benchmark seed",
                    default_date=timezone.now(),
                )
                seal_rows(rows)
            self.history += len(rows)
            created += chunk
        return created

    def _owner(self, system_id: int) -> int:
        return self.system_owner[system_id]

    def top_up(self, factor: float) -> dict:
        """Create every kind up to ``factor`` x FULL (history and observations last)."""
        started = time.perf_counter()
        want = {k: max(1, round(v * factor)) for k, v in FULL.items()}
        for kind in ("systems", "suppliers", "risks", "incidents", "evidence", "findings"):
            t0 = time.perf_counter()
            add = want[kind] - self.done[kind]
            if add > 0:
                getattr(self, kind)(self.done[kind], add)
                self.done[kind] = want[kind]
            log(f"  {kind}: {self.done[kind]:,} ({time.perf_counter() - t0:.1f} s)")
        t0 = time.perf_counter()
        self.tab_history()
        self.more_history(want["history"])
        log(f"  history rows: {self.history:,} ({time.perf_counter() - t0:.1f} s)")
        t0 = time.perf_counter()
        self.observations(want["observations"])
        log(f"  observations: {self.done['observations']:,} ({time.perf_counter() - t0:.1f} s)")
        t0 = time.perf_counter()
        analyse()
        log(f"  analyse ({time.perf_counter() - t0:.1f} s)")
        return {**self.done, "history": self.history, "seconds": time.perf_counter() - started}

    def systems(self, first: int, count: int) -> None:
        from inventory import models as m

        rng = self.rng
        objs = []
        for i in range(first, first + count):
            owner = self.owners[i % N_OWNERS]
            name = " ".join(rng.sample(WORDS, 3)).capitalize()
            objs.append(random_system(rng, WORDS, name=f"{name} {i}", owner=owner))
        created = self._create(m.AISystem, objs)
        self._grant(created)
        for system in created:
            self.system_ids.append(system.pk)
            self.system_owner[system.pk] = system.owner_id
        self._metrics(created)

    def _grant(self, systems: list) -> None:
        """The owners' object permissions (inventory.services' _grant_owner, in bulk)."""
        from django.contrib.auth.models import Permission

        from inventory.models import AISystemUserObjectPermission

        perms = list(
            Permission.objects.filter(
                content_type__app_label="inventory",
                codename__in=["view_aisystem", "change_aisystem"],
            )
        )
        AISystemUserObjectPermission.objects.bulk_create(
            [
                AISystemUserObjectPermission(user_id=s.owner_id, permission=p, content_object=s)
                for s in systems
                for p in perms
            ],
            batch_size=2000,
        )

    def _metrics(self, systems: list) -> None:
        from incidents.models import Metric

        objs = [
            Metric(
                system_id=s.pk,
                name=name,
                direction=Metric._meta.get_field("direction").choices[0][0],
                warning_threshold=0.8,
                breach_threshold=0.9,
            )
            for s in systems
            for name in ("accuracy", "latency")[:METRICS_PER_SYSTEM]
        ]
        self.metric_ids += [m.pk for m in self._create(Metric, objs)]

    def risks(self, first: int, count: int) -> None:
        from risk.models import Level, Risk

        rng = self.rng
        objs = []
        for i in range(first, first + count):
            system = rng.choice(self.system_ids)
            il, ii = rng.randint(1, 5), rng.randint(1, 5)
            rl, ri = rng.randint(1, il), rng.randint(1, ii)
            objs.append(
                Risk(
                    system_id=system,
                    title=f"Risk {i}: {rng.choice(WORDS)} {rng.choice(WORDS)}",
                    category=rng.choice(Risk.Category.values),
                    risk_source=rng.choice(Risk.Source.values),
                    inherent_likelihood=il,
                    inherent_impact=ii,
                    inherent_score=il * ii,
                    inherent_level=level(il * ii, Level),
                    treatment=rng.choice(Risk.Treatment.values),
                    residual_likelihood=rl,
                    residual_impact=ri,
                    residual_score=rl * ri,
                    residual_level=level(rl * ri, Level),
                    methodology_version=1,
                    appetite=Level.MEDIUM,
                    owner_id=self._owner(system),
                    review_date=date(2026, 1, 1) + timedelta(days=rng.randrange(730)),
                )
            )
        self._create(Risk, objs)

    def incidents(self, first: int, count: int) -> None:
        from incidents.models import Incident, Severity, Status

        rng = self.rng
        field = Incident._meta.get_field
        objs = []
        for i in range(first, first + count):
            system = rng.choice(self.system_ids)
            objs.append(
                Incident(
                    title=f"Incident {i}",
                    description="Something went wrong.",
                    system_id=system,
                    owner_id=self._owner(system),
                    reporter_id=self._owner(system),
                    detection_channel=rng.choice(field("detection_channel").choices)[0],
                    category=rng.choice(field("category").choices)[0],
                    severity=rng.choice(Severity.values),
                    status=Status.CLOSED if rng.random() < 0.85 else Status.REPORTED,
                )
            )
        self._create(Incident, objs)

    def evidence(self, first: int, count: int) -> None:
        from django.contrib.contenttypes.models import ContentType

        from aims.models import Evidence
        from inventory.models import AISystem

        system_type = ContentType.objects.get_for_model(AISystem)
        rng = self.rng
        objs = []
        for i in range(first, first + count):
            system = rng.choice(self.system_ids)
            objs.append(
                Evidence(
                    title=f"Evidence {i}",
                    kind=Evidence.Kind.LINK,
                    url=f"https://example.org/evidence/{i}",
                    owner_id=self._owner(system),
                    valid_until=date(2026, 1, 1) + timedelta(days=rng.randrange(730)),
                    target_type=system_type,
                    target_id=system,
                )
            )
        self._create(Evidence, objs)

    def suppliers(self, first: int, count: int) -> None:
        from suppliers.models import Supplier

        rng = self.rng
        field = Supplier._meta.get_field
        objs = [
            Supplier(
                name=f"Supplier {i}",
                supplier_type=rng.choice(field("supplier_type").choices)[0],
                criticality=rng.choice(field("criticality").choices)[0],
                owner=self.owners[i % N_OWNERS],
                next_reassessment_date=date(2026, 1, 1) + timedelta(days=rng.randrange(730)),
            )
            for i in range(first, first + count)
        ]
        self._create(Supplier, objs)

    def findings(self, first: int, count: int) -> None:
        from audits.models import Finding, InternalAudit

        rng = self.rng
        audits = (first + count + FINDINGS_PER_AUDIT - 1) // FINDINGS_PER_AUDIT
        new = [
            InternalAudit(
                title=f"Internal audit {i}",
                scope="Clauses 4-10 and Annex A",
                lead_auditor=self.officer,
                planned_start=date(2025, 1, 1) + timedelta(days=i % 700),
                planned_end=date(2025, 1, 5) + timedelta(days=i % 700),
            )
            for i in range(len(self.audit_ids), audits)
        ]
        self.audit_ids += [a.pk for a in self._create(InternalAudit, new)]
        objs = [
            Finding(
                audit_id=self.audit_ids[i // FINDINGS_PER_AUDIT],
                kind=rng.choice(Finding.Kind.values),
                title=f"Finding {i}",
                description="Evidence of the control was incomplete.",
                raised_by=self.officer,
                owner=self.owners[i % N_OWNERS],
                due_date=date(2026, 1, 1) + timedelta(days=rng.randrange(730)),
            )
            for i in range(first, first + count)
        ]
        self._create(Finding, objs)

    def tab_history(self) -> None:
        """One system of the benchmarked owner with TAB_HISTORY history rows (once)."""
        from inventory.models import AISystem

        if self.tab_system is not None:
            return
        mine = AISystem.objects.filter(owner=self.owners[0]).order_by("id")
        system = mine.filter(lifecycle_stage="in_triage").first() or mine.first()
        versions = []
        for i in range(self.tab_history_rows - 1):
            version = copy.copy(system)
            version.known_risks = f"Bias and drift. Revision {i + 1}."
            versions.append(version)
        self._create(AISystem, [], update_of=versions)
        self.tab_system = system

    def more_history(self, total: int) -> None:
        """ "Changed" history rows of risks until the trail holds ``total`` rows."""
        from risk.models import Risk

        missing = total - self.history
        if missing <= 0:
            return
        ids = Risk.objects.order_by("id").values_list("id", flat=True)
        risks = list(Risk.objects.filter(id__in=list(ids[: min(missing, 20_000)])))
        while missing > 0:
            chunk = [copy.copy(r) for r in risks[: min(missing, len(risks))]]
            self._create(Risk, [], update_of=chunk)
            missing -= len(chunk)
            log(f"    {self.history:,} history rows")

    def observations(self, total: int) -> None:
        """Observations of the metrics, a minute apart (no history: monitoring data)."""
        from django.db import connection
        from django.utils import timezone

        from incidents.models import Observation

        start = self.done["observations"]
        if total <= start:
            return
        base = timezone.now() - timedelta(days=400)
        metrics = self.metric_ids
        rng = random.Random(start)

        def rows(first: int, last: int):
            for i in range(first, last):
                moment = base + timedelta(minutes=i // len(metrics))
                yield metrics[i % len(metrics)], moment, rng.random()

        now = timezone.now()
        for first in range(start, total, 100_000):
            last = min(total, first + 100_000)
            if connection.vendor == "postgresql":  # COPY: ~10x bulk_create
                with connection.cursor() as cursor:
                    table = Observation._meta.db_table
                    sql = f"COPY {table} (metric_id, observed_at, value, created_at) FROM STDIN"
                    with cursor.cursor.copy(sql) as stream:
                        for metric, moment, value in rows(first, last):
                            stream.write_row((metric, moment, value, now))
            else:
                Observation.objects.bulk_create(
                    [
                        Observation(metric_id=m, observed_at=t, value=v, created_at=now)
                        for m, t, v in rows(first, last)
                    ],
                    batch_size=5000,
                )
        self.done["observations"] = total


def level(score: int, Level) -> str:
    if score >= 15:
        return Level.HIGH
    return Level.MEDIUM if score >= 6 else Level.LOW


# --- what is measured -----------------------------------------------------------------------


def pages(seeder: Seeder) -> list[tuple[str, str]]:
    """(bench, path): every parameterless GET page and API list of the URL conf (so a new list
    is measured without being named here), the search, the system tabs, the system's heat map."""
    from django.urls import reverse

    from inventory.views import TABS
    from tests.matrix.world import application_routes, route_methods

    found = []
    for route in application_routes():
        name = route.name
        if not name or "GET" not in route_methods(route) or name in SKIP_NAMES:
            continue
        if "<" in route.route or "(?P" in route.route or "export" in name:
            continue
        if any(part in name for part in SKIP_NAME_PARTS):
            continue
        found.append((name, reverse(name)))
    found += [
        ("aims:search?q", f"{reverse('aims:search')}?q={SEARCH}&all=1"),
        ("api:search?q", f"{reverse('api:search')}?q={SEARCH}"),
        *((f"api:search?{k}", f"{reverse('api:search')}?q={q}") for k, q in EXTREMES.items()),
    ]
    pk = seeder.tab_system.pk
    found += [
        (f"inventory:system_tab[{tab}]", reverse("inventory:system_tab", args=[pk, tab]))
        for tab, _label in TABS
    ]
    found += [
        ("inventory:system_detail", reverse("inventory:system_detail", args=[pk])),
        ("api:system-detail", reverse("api:system-detail", args=[pk])),
        ("risk:system_risk", reverse("risk:system_risk", args=[pk])),
    ]

    def rank(item: tuple[str, str]) -> int:
        name = item[0].split("[")[0].split("?")[0]
        return FIRST.index(name) if name in FIRST else len(FIRST)

    return sorted(found, key=rank)


def exports() -> list[tuple[str, str]]:
    from django.urls import reverse

    from tests.matrix.world import application_routes, route_methods

    return [
        (r.name, reverse(r.name))
        for r in application_routes()
        if r.name
        and "export" in r.name
        and "GET" in route_methods(r)
        and "<" not in r.route
        and "(?P" not in r.route
    ]


def count_queries(client, path: str, consume: bool = False) -> tuple[int, int, object]:
    """Statements and status of one request (a streamed body is read inside the count)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
        if consume and getattr(response, "streaming", False):
            response._body = b"".join(response.streaming_content)
    return len(ctx.captured_queries), response.status_code, response


def export_bench(client, path: str, runs: int) -> dict:
    """Rows per second of the whole download (streamed body read) and its peak memory."""
    queries, status, response = count_queries(client, path, consume=True)
    if status != 200:
        return {"status": status}
    body = getattr(response, "_body", None) or response.content
    is_csv = path.endswith(".csv")
    rows = body.count(b"\n") - 1 if is_csv else None
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(path)
        size = sum(map(len, response)) if response.streaming else len(response.content)
        timings.append(time.perf_counter() - started)
    tracemalloc.start()
    response = client.get(path)
    for _chunk in response if response.streaming else [response.content]:
        pass
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    median = statistics.median(timings)
    return {
        "median_ms": round(median * 1000, 2),
        "p95_ms": round(percentile([t * 1000 for t in timings], 0.95), 2),
        "queries": queries,
        "rows": rows,
        "rows_per_s": round(rows / median) if rows else None,
        "bytes": size,
        "streaming": bool(response.streaming),
        "peak_mib": round(peak / 2**20, 1),
    }


def review_bench(seeder: Seeder, runs: int) -> dict:
    """Creating a management review through its service (inputs gathered over the estate)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from audits.reviews.services import review_create

    timings, queries = [], 0
    for i in range(runs + 1):
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            review_create(
                actor=seeder.officer,
                title=f"Management review {i}",
                meeting_date=timezone.localdate() + timedelta(days=i),
                chair=seeder.officer,
            )
        if i == 0:
            queries = len(ctx.captured_queries)  # the first, counted; the others timed
        else:
            timings.append((time.perf_counter() - started) * 1000)
    return {
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 0.95), 2),
        "queries": queries,
    }


def trail_bench() -> dict:
    """Full verification of the audit trail (as verify_audit_trail), in this process."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from audits.trail.verify import verify_chain

    started = time.perf_counter()
    with CaptureQueriesContext(connection) as ctx:
        result = verify_chain(workers=os.cpu_count() or 1)  # as verify_audit_trail does
    seconds = time.perf_counter() - started
    return {
        "median_ms": round(seconds * 1000, 1),
        "p95_ms": round(seconds * 1000, 1),
        "queries": len(ctx.captured_queries),
        "links": result.checked,
        "ok": result.ok,
        "problems": result.problem_count,
    }


# --- the run --------------------------------------------------------------------------------


def target_for(bench: str) -> float:
    if bench.split("?")[0] in SLOW_PAGES:
        return DASHBOARD_MS
    return PAGE_MS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="of the full size (1 = 10x)")
    parser.add_argument(
        "--small", type=float, default=0.02, help="first size, as a share of --scale"
    )
    parser.add_argument("--runs", type=int, default=9, help="timed requests per line, at most")
    parser.add_argument("--min-runs", type=int, default=5)
    parser.add_argument("--budget", type=float, default=0.6, help="seconds of timing per line")
    parser.add_argument("--roles", default=",".join(ROLES))
    parser.add_argument("--only", default="", help="comma-separated substrings of bench names")
    parser.add_argument("--profile", type=int, default=0, help="cProfile the N slowest pages")
    parser.add_argument("--keep", action="store_true", help="keep the database (stderr: URL)")
    args = parser.parse_args()
    roles = [r for r in args.roles.split(",") if r]

    db = Database()
    configure_environment(db)
    started = time.perf_counter()
    try:
        db.create()
        import django

        django.setup()
        import logging

        from django.core.management import call_command
        from django.test import Client

        t0 = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        log(f"{db.vendor}: migrated in {time.perf_counter() - t0:.1f} s")
        # Refusals of pages a role may not open are expected: no tracebacks on stderr.
        logging.getLogger("django.request").setLevel(logging.CRITICAL)
        seeder = Seeder()
        clients = {}
        for role in roles:
            clients[role] = Client()
            clients[role].force_login(seeder.users[role])

        def wanted(bench: str) -> bool:
            return not args.only or any(part in bench for part in args.only.split(","))

        # Small size: query counts only.
        small_factor = args.scale * args.small
        log(f"seeding the small size ({small_factor:g} x 10x reference)")
        sizes = {"small": seeder.top_up(small_factor)}
        log(f"seeded: {sizes['small']}")
        # A review first, so that the review list has one at both sizes.
        small_review = review_bench(seeder, 1) if wanted("management_review") else None
        small_queries: dict[tuple[str, str], int] = {}
        targets = [b for b in pages(seeder) if wanted(b[0])]
        files = [b for b in exports() if wanted(b[0])]
        for bench, path in targets + files:
            for role, client in clients.items():
                queries, status, _ = count_queries(client, path, consume=True)
                if status == 200:
                    small_queries[(bench, role)] = queries
        log(f"counted {len(small_queries)} page/role pairs at the small size")
        small_trail = trail_bench() if wanted("audit_trail") else None

        # Full size: timings and counts.
        log(f"topping up to the full size ({args.scale:g} x 10x reference)")
        sizes["full"] = seeder.top_up(args.scale)
        log(f"seeded: {sizes['full']}")
        n = sizes["full"]["systems"]
        lines = []

        def record(bench: str, role: str, result: dict, target: dict, path: str = "") -> None:
            line = {"bench": bench, "n": n, "role": role, "db": db.vendor, **result}
            line["target"] = target
            if path:
                line["path"] = path
            small = small_queries.get((bench, role))
            if small is not None:
                line["queries_small"] = small
            emit(line)
            lines.append(line)

        for bench, path in targets:
            for role, client in clients.items():
                result = measure(client, path, args.runs, 1, args.budget, min_runs=args.min_runs)
                result.pop("_captured", None)
                if "status" in result:
                    if result["status"] >= 500:
                        record(bench, role, {"error": f"HTTP {result['status']}"}, {}, path)
                    else:  # the role may not open it (the role matrix says which)
                        log(f"  {bench} as {role}: HTTP {result['status']} (not measured)")
                    continue
                result.pop("min_ms", None)
                record(bench, role, result, {"median_ms": target_for(bench)}, path)
        csv_rows: dict[tuple[str, str], int] = {}
        for bench, path in files:
            for role, client in clients.items():
                result = export_bench(client, path, runs=3)
                if "status" in result:
                    log(f"  {bench} as {role}: HTTP {result['status']} (not measured)")
                    continue
                if result["rows"] is not None:
                    csv_rows[(bench, role)] = result["rows"]
                elif (bench.removesuffix("_xlsx"), role) in csv_rows:  # same rows as its CSV
                    result["rows"] = csv_rows[(bench.removesuffix("_xlsx"), role)]
                    result["rows_per_s"] = round(result["rows"] / result["median_ms"] * 1000)
                target = {"rows_per_s": EXPORT_ROWS_PER_S, "peak_mib": EXPORT_PEAK_MIB}
                record(bench, role, result, target, path)
        if wanted("management_review"):
            result = review_bench(seeder, 3)
            if small_review:
                result["queries_small"] = small_review["queries"]
            record("management_review_create", "officer", result, {"median_ms": REVIEW_MS})
        if wanted("audit_trail"):
            log("verifying the audit trail")
            result = trail_bench()
            if small_trail:
                result["links_small"] = small_trail["links"]
            target = {"median_ms": TRAIL_SECONDS * 1000, "ok": True}
            record("audit_trail_verify", "officer", result, target)

        if args.profile:
            worst = sorted(
                (x for x in lines if x.get("median_ms") and x.get("path")),
                key=lambda x: -x["median_ms"] / x["target"].get("median_ms", 1e9),
            )
            for line in worst[: args.profile]:
                if line["bench"] in dict(files):
                    continue
                label = f"{line['bench']} as {line['role']}: {line['median_ms']} ms"
                profile(clients[line["role"]], line["path"], label, repeat=5, top=25)

        emit(summary(lines, sizes, db.vendor, time.perf_counter() - started))
        return 0
    finally:
        if args.keep:
            log(f"kept the database: {db.url}")
        else:
            db.drop()


def misses_of(line: dict) -> list[str]:
    """Why a line misses its targets (empty when it meets them)."""
    found = []
    if "error" in line:
        return [line["error"]]
    target = line["target"]
    if "median_ms" in target and line["median_ms"] > target["median_ms"]:
        found.append(f"median {line['median_ms']} ms > {target['median_ms']:g} ms")
    # Rows per second say little about a short export (the request's fixed cost dominates).
    judged = (line.get("rows") or 0) >= EXPORT_JUDGED_FROM
    if "rows_per_s" in target and judged and line["rows_per_s"] < target["rows_per_s"]:
        found.append(f"{line.get('rows_per_s')} rows/s < {target['rows_per_s']}")
    if "peak_mib" in target and line["peak_mib"] > target["peak_mib"]:
        found.append(f"peak {line['peak_mib']} MiB > {target['peak_mib']:g} MiB")
    if target.get("ok") and not line.get("ok"):
        found.append(f"verification found {line.get('problems')} problems")
    small = line.get("queries_small")
    chunked = "rows_per_s" in target  # a streamed export reads its table in chunks, by design
    if small is not None and line.get("queries") is not None and small != line["queries"]:
        if chunked:
            return found
        found.append(f"queries {small} at the small size, {line['queries']} at the full size")
    return found


def summary(lines: list[dict], sizes: dict, vendor: str, seconds: float) -> dict:
    misses = {}
    for line in lines:
        why = misses_of(line)
        if why:
            misses[f"{line['bench']}/{line['role']}"] = "; ".join(why)
    compared = [
        x for x in lines if x.get("queries_small") is not None and "rows_per_s" not in x["target"]
    ]
    return {
        "bench": "summary",
        "all_targets_met": not misses,
        "db": vendor,
        "lines": len(lines),
        "misses": misses,
        "miss_count": len(misses),
        "flat_queries": all(x["queries_small"] == x["queries"] for x in compared),
        "flat_compared": len(compared),
        "sizes": {k: {kk: round(vv, 1) for kk, vv in v.items()} for k, v in sizes.items()},
        "targets": {
            "page_median_ms": PAGE_MS,
            "dashboard_readiness_median_ms": DASHBOARD_MS,
            "export_rows_per_s": EXPORT_ROWS_PER_S,
            "export_peak_mib": EXPORT_PEAK_MIB,
            "management_review_ms": REVIEW_MS,
            "audit_trail_seconds": TRAIL_SECONDS,
        },
        "seconds": round(seconds, 1),
        "load_1m": round(os.getloadavg()[0], 2),
    }


if __name__ == "__main__":
    sys.exit(main())
