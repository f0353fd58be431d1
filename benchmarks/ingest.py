#!/usr/bin/env python
"""Bulk observation ingestion benchmark: POST /api/v1/observations/bulk/ as an integration.

Prints one JSON object per line on stdout ({"bench": "observations_bulk_api", "n": total
observations, "median_ms": per batch, "queries": per batch, "per_second": ...}); chatter
goes to stderr. See benchmarks/README.md.

Each batch goes through the whole stack (URL routing, authentication, DRF parsing and
validation, the metric lookup, incidents.services.observations_ingest) via the Django test
client, authenticated with force_authenticate as a governance officer (the role that pushes
measurements for every system). The database is a fresh SQLite file in a temporary folder,
or the PostgreSQL database named by BENCH_DATABASE_URL (created, and dropped at the end,
exactly as benchmarks/run.py does). The developer database (var/aims.sqlite3) is never
touched.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import math
import os
import pstats
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from run import Database, configure_environment  # noqa: E402  (after the path is set)

BULK_URL = "/api/v1/observations/bulk/"
TARGET_PER_SECOND = 5_000
SPLIT_RUNS = 5


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def emit(record: dict) -> None:
    print(json.dumps(record), flush=True)


def seed(n_metrics: int):
    """An officer, one system (through the intake service) and its metrics."""
    from aims.roles import OFFICER, OWNER
    from incidents import services
    from incidents.models import Metric
    from tests.factories import make_system, user_with_role

    officer = user_with_role(OFFICER, username="bench_officer")
    owner = user_with_role(OWNER, username="bench_owner")
    system = make_system(owner, name="Ingest benchmark system")
    metrics = [
        services.metric_save(
            actor=officer,
            metric=Metric(system=system),
            data={
                "name": f"latency p95 #{i}",
                "unit": "ms",
                "direction": "higher_is_worse",
                "warning_threshold": 800.0,
                "breach_threshold": 1000.0,
                "expected_interval_minutes": 60,
            },
        )
        for i in range(n_metrics)
    ]
    return officer, [m.pk for m in metrics]


def batches(metric_ids: list[int], n_batches: int, batch_size: int, start):
    """``n_batches`` JSON bodies of ``batch_size`` points each, oldest first, all distinct
    (metric, timestamp) pairs in the past: every point is new, none is a duplicate. Values
    stay below the warning threshold, the common case of a healthy system."""
    per_metric = batch_size // len(metric_ids)
    step = timedelta(seconds=1)
    bodies = []
    for b in range(n_batches):
        items = []
        for k in range(per_metric):
            at = (start + step * (b * per_metric + k)).isoformat()
            for j, pk in enumerate(metric_ids):
                items.append({"metric": pk, "observed_at": at, "value": 100.0 + (k + j) % 500})
        bodies.append(json.dumps({"observations": items}))
    return bodies, per_metric * len(metric_ids)


def split_stages(officer, body: str) -> dict[str, float]:
    """Milliseconds of each stage of the bulk endpoint for one batch, called directly (no
    HTTP, no middleware), plus the cost of building the Observation instances two ways: as
    the service does (``metric=<Metric>``) and by id (``metric_id=<pk>``)."""
    from django.db import transaction

    from incidents import services
    from incidents.api.serializers import ObservationBulkSerializer
    from incidents.api.views import _resolve_metrics
    from incidents.models import Observation

    marks = [time.perf_counter()]
    data = json.loads(body)
    marks.append(time.perf_counter())
    serializer = ObservationBulkSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    marks.append(time.perf_counter())
    items = _resolve_metrics(officer, serializer.validated_data["observations"], "observations")
    marks.append(time.perf_counter())
    with transaction.atomic():
        services.observations_ingest(actor=officer, observations=items)
    marks.append(time.perf_counter())
    [Observation(metric=m, observed_at=at, value=float(v)) for m, at, v in items]
    marks.append(time.perf_counter())
    [Observation(metric_id=m.pk, observed_at=at, value=float(v)) for m, at, v in items]
    marks.append(time.perf_counter())
    names = ["parse", "validate", "resolve", "ingest", "instances", "instances_by_id"]
    spans = zip(names, marks[:-1], marks[1:], strict=True)
    return {f"{name}_ms": (b - a) * 1000 for name, a, b in spans}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batches", type=int, default=20, help="timed batches")
    parser.add_argument("--batch-size", type=int, default=5_000, help="observations per batch")
    parser.add_argument("--metrics", type=int, default=10, help="metrics the points spread over")
    parser.add_argument("--warmup", type=int, default=1, help="untimed batches first")
    parser.add_argument("--profile", action="store_true", help="cProfile one extra batch (stderr)")
    parser.add_argument(
        "--split",
        action="store_true",
        help=f"time the stages of {SPLIT_RUNS} extra batches without HTTP (one more line)",
    )
    args = parser.parse_args()

    db = Database()
    configure_environment(db)
    try:
        db.create()
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone
        from rest_framework.test import APIClient

        from incidents.models import Observation

        log(f"database: {db.vendor} ({connection.settings_dict['NAME']})")
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        log(f"migrated in {time.perf_counter() - t0:.1f}s")

        officer, metric_ids = seed(args.metrics)
        client = APIClient()
        client.force_authenticate(officer)

        extra = 1 + (SPLIT_RUNS if args.split else 0) + (1 if args.profile else 0)
        total_batches = args.warmup + args.batches + extra
        per_metric = args.batch_size // len(metric_ids)
        start = timezone.now() - timedelta(seconds=per_metric * total_batches + 3600)
        bodies, size = batches(metric_ids, total_batches, args.batch_size, start)
        log(f"{total_batches} batches of {size} observations over {len(metric_ids)} metrics")

        def post(body: str) -> float:
            began = time.perf_counter()
            response = client.post(BULK_URL, data=body, content_type="application/json")
            elapsed = time.perf_counter() - began
            assert response.status_code == 200, response.content[:500]
            result = response.json()
            assert result["created"] == size, result
            return elapsed

        for body in bodies[: args.warmup]:
            post(body)
        timed = bodies[args.warmup : args.warmup + args.batches]
        seconds = []
        for i, body in enumerate(timed, 1):
            seconds.append(post(body))
            log(f"batch {i}/{len(timed)}: {seconds[-1] * 1000:.0f} ms")
        # Queries are counted on one more batch, so the debug cursor (which renders every
        # statement, a 1,000-row INSERT included) does not slow the timed ones.
        spare = iter(bodies[args.warmup + args.batches :])
        with CaptureQueriesContext(connection) as ctx:
            post(next(spare))
        queries = len(ctx)
        sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
        log(f"counted batch: {queries} queries, {sql_ms:.0f} ms in SQL; slowest:")
        for q in sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:5]:
            log(f"  {float(q['time']) * 1000:7.1f} ms  {q['sql'][:150]}")

        n = size * len(timed)
        median = statistics.median(seconds)
        emit({
            "bench": "observations_bulk_api",
            "vendor": db.vendor,
            "n": n,
            "batch_size": size,
            "batches": len(timed),
            "metrics": len(metric_ids),
            "median_ms": round(median * 1000, 1),
            "p90_ms": round(sorted(seconds)[math.ceil(len(seconds) * 0.9) - 1] * 1000, 1),
            "queries": queries,
            "sql_ms": round(sql_ms, 1),
            "per_second": round(size / median),
            "overall_per_second": round(n / sum(seconds)),
            "target_per_second": TARGET_PER_SECOND,
            "meets_target": size / median >= TARGET_PER_SECOND,
            "load_1m": round(os.getloadavg()[0], 2),
        })  # fmt: skip

        if args.split:
            stages = [split_stages(officer, next(spare)) for _ in range(SPLIT_RUNS)]
            emit({
                "bench": "observations_bulk_split",
                "vendor": db.vendor,
                "n": size,
                "runs": SPLIT_RUNS,
                **{k: round(statistics.median(s[k] for s in stages), 1) for k in stages[0]},
            })  # fmt: skip

        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            post(next(spare))
            profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
            stats.print_stats(40)
            out.write("\n--- by own time ---\n")
            stats.sort_stats("tottime").print_stats(25)
            log(out.getvalue())

        stored = Observation.objects.count()
        expected = size * total_batches
        assert stored == expected, (stored, expected)
        log(f"{stored} observations stored")
    finally:
        db.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
