#!/usr/bin/env python
"""Audit-trail verification benchmark (TARGETS.md: 1,000,000 links in < 60 s, flat memory).

Prints one JSON object per line on stdout; chatter goes to stderr.

Seeds history rows of AI systems straight into the history table, sealing each batch into
the chain in the same transaction (as the application does for every write), and signs a
checkpoint. Then, for each size, a fresh process runs the full verification that
``manage.py verify_audit_trail`` runs (chain walk, row fingerprints, unsealed rows,
checkpoints) and reports its time and its peak memory: memory must not grow with the chain.

    python benchmarks/trail.py [--sizes 100000,1000000]

The database is a fresh SQLite file in a temporary folder, or the PostgreSQL database named by
BENCH_DATABASE_URL (created and dropped, as benchmarks/run.py does).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from run import Database, analyse, configure_environment  # noqa: E402  (after the path)

TARGET_SECONDS = 60.0
BATCH = 5000
DEFAULT_SIZES = (100_000, 1_000_000)


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def emit(row: dict) -> None:
    print(json.dumps(row), flush=True)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def seed(total: int, already: int) -> None:
    """Add history rows until the chain holds ``total`` links."""
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone

    from audits.trail.chain import seal_rows
    from inventory.models import AISystem
    from tests.factories import INTAKE_DATA

    user, _ = get_user_model().objects.get_or_create(username="bench_trail")
    historical = AISystem.history.model
    started = time.perf_counter()
    done = already
    while done < total:
        size = min(BATCH, total - done)
        now = timezone.now()
        rows = [
            historical(
                **{**INTAKE_DATA, "name": f"System {done + i}"},
                id=done + i + 1,
                owner_id=user.pk,
                submitted_by_id=user.pk,
                created_at=now,
                updated_at=now,
                lifecycle_stage="intake_submitted",
                risk_tier="",
                review_cadence_months=12,
                intake_round=1,
                release_round=0,
                returned_from_gate="",
                in_aims_scope=True,
                history_date=now,
                history_type="+",
                history_user_id=user.pk,
                history_change_reason="Benchmark seed",
            )
            for i in range(size)
        ]
        with transaction.atomic():
            historical.objects.bulk_create(rows, batch_size=1000)
            seal_rows(rows)
        done += size
        if done % 100_000 < BATCH:
            log(f"  {done:,} links ({time.perf_counter() - started:.0f} s)")


def measure(workers: int) -> dict:
    """Run in a fresh process: verify once, report time and peak memory (of this process and,
    with workers, of the largest worker)."""
    import django

    django.setup()
    baseline = peak_rss_mib()
    from audits.trail.verify import verify_chain

    started = time.perf_counter()
    result = verify_chain(workers=workers)
    seconds = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {
        "workers": workers,
        "seconds": round(seconds, 2),
        "ok": result.ok,
        "links": result.checked,
        "rows": result.rows,
        "problems": result.problem_count,
        "peak_rss_mib": round(max(peak_rss_mib(), children), 1),
        "rss_growth_mib": round(peak_rss_mib() - baseline, 1),
    }


def measure_in_child(n: int, vendor: str, workers: int) -> dict:
    result = subprocess.run(  # noqa: S603 -- this very script, with our own arguments
        [sys.executable, __file__, "--measure", "--workers", str(workers)],
        check=True, stdout=subprocess.PIPE, text=True, env={**os.environ},
    )  # fmt: skip
    found = json.loads(result.stdout.strip().splitlines()[-1])
    per_link_us = found["seconds"] / max(found["links"], 1) * 1e6
    return {
        "bench": "audit_trail_verify",
        "n": n,
        "database": vendor,
        "median_ms": round(found["seconds"] * 1000),
        "queries": None,
        **found,
        "per_link_us": round(per_link_us, 1),
        "target_seconds": TARGET_SECONDS,
        "projected_1m_seconds": round(per_link_us, 1),  # µs per link x 1,000,000 / 1e6
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(str(n) for n in DEFAULT_SIZES))
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--workers", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        emit(measure(max(args.workers, 1)))
        return
    sizes = sorted(int(s) for s in args.sizes.split(","))
    db = Database()
    configure_environment(db)
    db.create()
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        seeded = 0
        for n in sizes:
            log(f"seeding {n:,} sealed history rows")
            seed(n, seeded)
            seeded = n
            from audits.trail.checkpoints import create_checkpoint

            create_checkpoint()
            analyse()
            for workers in sorted({1, os.cpu_count() or 1}):
                log(f"verifying {n:,} links in a fresh process ({workers} worker(s))")
                emit(measure_in_child(n, db.vendor, workers))
    finally:
        db.drop()


if __name__ == "__main__":
    main()
