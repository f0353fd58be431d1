#!/usr/bin/env python
"""Hot pages: the dashboard, readiness (page and API) and the CSV exports, at scale.

A quick measurement for issue 21 (the full harness is ``make bench-scale``). Seeds, with plain
``bulk_create`` (the reads are measured, not the seeding): the systems of benchmarks/run.py
(with history and owners' object permissions), then per system ``--risks`` risks,
``--incidents`` incidents and ``--evidence`` evidence items (plus evidence on some control
statements). Prints one JSON line per page and role on stdout:

    {"bench", "n", "role", "db", "median_ms", "p95_ms", "queries", ...}

and for the exports ``rows``, ``rows_per_s`` and ``peak_kib`` (tracemalloc peak while the
streamed body is consumed). Database handling, seeding of systems and the timing loop are
benchmarks/run.py's (scratch SQLite file, or BENCH_DATABASE_URL on PostgreSQL).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (benchmarks/run.py: Database, Seeder, measure, profile)

PAGES = {
    "dashboard": "/",
    "readiness_html": "/controls/readiness/",
    "readiness_api": "/api/v1/readiness/",
    "gap_register": "/controls/readiness/gaps/",
}
EXPORTS = {
    "systems_export_csv": "/systems/export.csv",
    "risks_export_csv": "/risk/export.csv",
    "incidents_export_csv": "/incidents/export.csv",
    "evidence_export_csv": "/evidence/export.csv",
}


def seed_records(seeder: run.Seeder, risks: float, incidents: float, evidence: float) -> dict:
    """Risks, incidents and evidence in proportion to the systems (plain bulk_create)."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import transaction
    from django.utils import timezone

    from aims.models import Evidence
    from audits.models import ControlStatement
    from incidents.models import Category, DetectionChannel, Incident, Severity, Status
    from inventory.models import AISystem
    from risk.models import Level, Risk

    rng = seeder.rng
    systems = list(AISystem.objects.values_list("id", "owner_id"))
    levels = [Level.LOW, Level.MEDIUM, Level.HIGH, Level.CRITICAL]
    today = date.today()
    counts = {}
    with transaction.atomic():
        objs = []
        for k in range(int(len(systems) * risks)):
            sid, owner = systems[k % len(systems)]
            li, im = rng.randint(1, 5), rng.randint(1, 5)
            rl, ri = rng.randint(1, li), rng.randint(1, im)
            objs.append(
                Risk(
                    system_id=sid,
                    title=f"Risk {k} of {sid}",
                    category=rng.choice(Risk.Category.values),
                    risk_source=rng.choice(Risk.Source.values),
                    inherent_likelihood=li,
                    inherent_impact=im,
                    inherent_score=li * im,
                    inherent_level=levels[min(3, li * im // 6)],
                    treatment=rng.choice(Risk.Treatment.values),
                    residual_likelihood=rl,
                    residual_impact=ri,
                    residual_score=rl * ri,
                    residual_level=levels[min(3, rl * ri // 6)],
                    methodology_version=1,
                    appetite=Level.MEDIUM,
                    owner_id=owner,
                    review_date=today + timedelta(days=rng.randrange(-200, 500)),
                )
            )
        Risk.objects.bulk_create(objs, batch_size=2000)
        counts["risks"] = len(objs)
        now = timezone.now()
        objs = []
        for k in range(int(len(systems) * incidents)):
            sid, owner = systems[(k * 7) % len(systems)]
            status = rng.choice(Status.values)
            objs.append(
                Incident(
                    system_id=sid,
                    title=f"Incident {k}",
                    description="Something happened.",
                    owner_id=owner,
                    reporter_id=owner,
                    detection_channel=rng.choice(DetectionChannel.values),
                    category=rng.choice(Category.values),
                    severity=rng.choice(Severity.values),
                    status=status,
                    aware_at=now - timedelta(days=rng.randrange(0, 400)),
                    closed_at=now if status == Status.CLOSED else None,
                )
            )
        Incident.objects.bulk_create(objs, batch_size=2000)
        counts["incidents"] = len(objs)
        system_type = ContentType.objects.get_for_model(AISystem)
        statement_type = ContentType.objects.get_for_model(ControlStatement)
        statements = list(ControlStatement.objects.values_list("id", flat=True))
        objs = []
        for k in range(int(len(systems) * evidence)):
            on_statement = k % 10 == 0 and statements
            target_type, target_id = (
                (statement_type, statements[k % len(statements)])
                if on_statement
                else (system_type, systems[k % len(systems)][0])
            )
            objs.append(
                Evidence(
                    title=f"Evidence {k}",
                    kind=Evidence.Kind.LINK,
                    url=f"https://example.org/e/{k}",
                    owner_id=systems[k % len(systems)][1],
                    valid_from=today - timedelta(days=rng.randrange(0, 400)),
                    valid_until=today + timedelta(days=rng.randrange(-100, 400)),
                    target_type=target_type,
                    target_id=target_id,
                )
            )
        Evidence.objects.bulk_create(objs, batch_size=2000)
        counts["evidence"] = len(objs)
    run.analyse()
    return counts


def measure_export(client, path: str, repeat: int) -> dict:
    """Consume the (streamed) body: rows per second (timed plainly), the statements it ran
    (an execute wrapper: the test client resets the debug log on each request) and the peak
    of Python allocations (tracemalloc, on a separate request: it slows everything down)."""
    from django.db import connection

    def consume(response) -> int:
        if getattr(response, "streaming", False):
            return sum(len(chunk) for chunk in response.streaming_content)
        return len(response.content)

    response = client.get(path)
    if response.status_code != 200:
        return {"error": f"HTTP {response.status_code}"}
    streaming = bool(getattr(response, "streaming", False))
    data = b"".join(response.streaming_content) if streaming else response.content
    rows = max(0, data.count(b"\n") - 1)
    statements = []

    def count(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        size = consume(client.get(path))
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        consume(client.get(path))
        timings.append(time.perf_counter() - started)
    tracemalloc.start()
    consume(client.get(path))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    seconds = statistics.median(timings)
    return {
        "median_ms": round(seconds * 1000, 1),
        "rows": rows,
        "rows_per_s": round(rows / seconds) if seconds else None,
        "peak_kib": round(peak / 1024),
        "streaming": streaming,
        "queries": len(statements),
        "bytes": size,
        "load_1m": round(run.os.getloadavg()[0], 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", type=int, default=10_000)
    parser.add_argument("--risks", type=float, default=10.0, help="risks per system")
    parser.add_argument("--incidents", type=float, default=2.5, help="incidents per system")
    parser.add_argument("--evidence", type=float, default=5.0, help="evidence per system")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--budget", type=float, default=6.0)
    parser.add_argument("--only", default="", help="comma-separated bench names")
    parser.add_argument("--profile", action="store_true", help="cProfile each page (stderr)")
    parser.add_argument("--show-queries", action="store_true", help="SQL per page (stderr)")
    parser.add_argument("--export-repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    db = run.Database()
    run.configure_environment(db)
    try:
        db.create()
        import django

        django.setup()
        from django.core.management import call_command
        from django.test import Client

        call_command("migrate", verbosity=0, interactive=False)
        seeder = run.Seeder()
        t0 = time.perf_counter()
        seeder.top_up(args.systems)
        counts = seed_records(seeder, args.risks, args.incidents, args.evidence)
        run.log(f"seeded {args.systems} systems, {counts} in {time.perf_counter() - t0:.1f}s")
        clients = {}
        for role, user in (("officer", seeder.officer), ("owner", seeder.bench_owner)):
            clients[role] = Client()
            clients[role].force_login(user)
        only = set(filter(None, args.only.split(",")))
        for bench, path in PAGES.items():
            if only and bench not in only:
                continue
            for role, client in clients.items():
                record = {"bench": bench, "n": args.systems, "role": role, "db": db.vendor}
                result = run.measure(client, path, args.runs, args.warmup, args.budget)
                captured = result.pop("_captured", [])
                if "status" in result:
                    record["error"] = f"HTTP {result['status']}"
                else:
                    for key in ("rows", "visible"):
                        result.pop(key, None)
                    record.update(result)
                run.emit(record)
                if args.show_queries:
                    run.log(f"\n--- {bench} {role}: {len(captured)} queries")
                    for q in captured:
                        run.log(f"[{q.get('ms', 0):.2f} ms] {q['sql'][:600]}")
                if args.profile and "error" not in record:
                    run.profile(client, path, f"{bench} {role}", repeat=5)
        for bench, path in EXPORTS.items():
            if only and bench not in only:
                continue
            record = {"bench": bench, "n": args.systems, "role": "officer", "db": db.vendor}
            record.update(measure_export(clients["officer"], path, args.export_repeat))
            run.emit(record)
            if args.profile and "error" not in record:
                run.profile(clients["officer"], path, bench, repeat=1)
        return 0
    finally:
        if args.keep:
            run.log(f"kept the database: {db.url}")
        else:
            db.drop()


if __name__ == "__main__":
    sys.exit(main())
