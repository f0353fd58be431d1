"""Pieces the benchmarks share: the scratch database, the environment Django reads at setup,
planner statistics, JSON-lines output, and timing one page with its query count.

Every benchmark prints one JSON object per line on stdout and everything else on stderr.
"""

from __future__ import annotations

import cProfile
import gc
import io
import json
import os
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
MIN_RUNS = 7
# Names of scratch databases a benchmark may drop and recreate when a run was interrupted.
SCRATCH_PREFIXES = ("aims_bench", "aims_scale")


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def emit(record: dict) -> None:
    print(json.dumps(record), flush=True)


# --- database and Django setup ----------------------------------------------------------------


class Database:
    """Where the benchmark runs: a throwaway SQLite file or a throwaway PostgreSQL database."""

    def __init__(self) -> None:
        self.url = os.environ.get("BENCH_DATABASE_URL", "").strip()
        self.created_pg = False
        self.sqlite_file: Path | None = None
        self.vendor = "sqlite"
        if self.url:
            self.check_url()  # before anything is created: a refusal leaves nothing behind
        self.tmpdir = Path(tempfile.mkdtemp(prefix="aims-bench-"))
        if not self.url:
            self.url = f"sqlite:///{self.tmpdir / 'bench.sqlite3'}"

    def check_url(self) -> None:
        parsed = urlparse(self.url)
        if parsed.scheme.startswith("postgres"):
            self.vendor = "postgresql"
            self.parsed = parsed
            self.name = unquote(parsed.path.lstrip("/"))
            if not self.name or self.name in ("postgres", "template0", "template1"):
                raise SystemExit(f"BENCH_DATABASE_URL must name a scratch database: {self.url}")
        elif parsed.scheme.startswith("sqlite"):
            dev_db = (ROOT / "var" / "aims.sqlite3").resolve()
            path = Path(unquote(parsed.path)).resolve() if parsed.path else None
            if path == dev_db:
                raise SystemExit("BENCH_DATABASE_URL points at the developer database; refusing.")
            if path and path.exists():
                raise SystemExit(f"{path} exists; the benchmark needs a fresh database file.")
            self.sqlite_file = path  # created by migrate, removed by drop()
        else:
            raise SystemExit(f"Unsupported BENCH_DATABASE_URL scheme: {parsed.scheme}")

    def _admin_connect(self):
        import psycopg

        p = self.parsed
        return psycopg.connect(
            host=p.hostname or "localhost",
            port=p.port or 5432,
            user=unquote(p.username) if p.username else None,
            password=unquote(p.password) if p.password else None,
            dbname="postgres",
            autocommit=True,
        )

    def create(self) -> None:
        if self.vendor != "postgresql":
            return
        from psycopg import sql

        with self._admin_connect() as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [self.name]
            ).fetchone()
            if exists:
                if not self.name.startswith(SCRATCH_PREFIXES):
                    raise SystemExit(
                        f"Database {self.name!r} already exists. The benchmark needs a fresh "
                        "one: drop it or name another (names starting with aims_bench or "
                        "aims_scale are treated as leftovers of an earlier run and recreated)."
                    )
                log(f"dropping leftover database {self.name}")
                conn.execute(
                    sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(self.name))
                )
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))
            self.created_pg = True

    def drop(self) -> None:
        shutil.rmtree(self.tmpdir, ignore_errors=True)
        if self.sqlite_file is not None:
            from django.db import connections

            connections.close_all()
            self.sqlite_file.unlink(missing_ok=True)
        if not self.created_pg:
            return
        from django.db import connections
        from psycopg import sql

        connections.close_all()
        with self._admin_connect() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
            )


def configure_environment(db: Database) -> None:
    """The settings are read from the environment at import: set it before django.setup()."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "aims.settings"
    os.environ["DATABASE_URL"] = db.url
    os.environ["AIMS_VAR_DIR"] = str(db.tmpdir)  # static/media/mail folders: not the repo's var/
    os.environ["DEBUG"] = "false"  # production-like template and error handling
    os.environ["ALLOWED_HOSTS"] = "testserver,localhost,127.0.0.1"
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    os.environ["CELERY_BROKER_URL"] = ""  # eager tasks, nothing running
    os.environ.setdefault("LOG_LEVEL", "ERROR")  # no "Not Found" chatter
    os.environ.setdefault("DB_CONN_MAX_AGE", "60")  # persistent connection, as in production


# --- seeding ------------------------------------------------------------------------------------


def analyse() -> None:
    """Fresh planner statistics, as autovacuum would have them on a live PostgreSQL."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


# --- measuring ----------------------------------------------------------------------------------


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(fraction * (len(ordered) - 1))))
    return ordered[rank]


def measure(
    client,
    path: str,
    runs: int,
    warmup: int,
    budget_s: float,
    *,
    min_runs: int = MIN_RUNS,
    describe: Callable | None = None,
) -> dict:
    """Warm up, count the queries of one request, then time ``runs`` requests (fewer when a
    request is so slow that they would not fit in ``budget_s``; at least ``min_runs``).

    A non-200 answer stops there: ``{"status", "json"}``. ``describe(response)`` adds fields
    of the caller's own (rows on the page, ...) to the result."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    warm = []
    for _ in range(max(1, warmup)):
        started = time.perf_counter()
        response = client.get(path)
        warm.append(time.perf_counter() - started)
        if response.status_code != 200:
            is_json = response.get("Content-Type", "").startswith("application/json")
            return {"status": response.status_code, "json": is_json}
    runs = min(runs, max(min_runs, int(budget_s / max(min(warm), 1e-6))))
    # Queries counted on a separate request: the debug cursor would slow the timed ones.
    sql_seconds = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_seconds.append(time.perf_counter() - started)

    with CaptureQueriesContext(connection) as ctx, connection.execute_wrapper(timed):
        response = client.get(path)
    captured = list(ctx.captured_queries)  # a view of connection.queries: copy it now
    for query, seconds in zip(captured, sql_seconds, strict=False):
        query["ms"] = seconds * 1000
    queries = len(captured)
    sql_ms = sum(sql_seconds) * 1000
    gc.collect()
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
    return {
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 0.95), 2),
        "min_ms": round(min(timings), 2),
        "queries": queries,
        "sql_ms": round(sql_ms, 2),
        **(describe(response) if describe else {}),
        "bytes": len(_body(response)),
        "runs": runs,
        "load_1m": round(os.getloadavg()[0], 2),
        "_captured": captured,
    }


def profile(client, path: str, label: str, repeat: int = 20, top: int = 30) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
    stats.print_stats(top)
    out.write("\n--- by own time ---\n")
    stats.sort_stats("tottime").print_stats(top)
    log(f"\n===== profile: {label} ({repeat} requests) =====\n{out.getvalue()}")


def _body(response) -> bytes:
    """The whole body, streamed or not (a streaming export is consumed by the caller)."""
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def random_system(rng, words: list[str], *, name: str, owner, **overrides):
    """An unsaved AI system with its classifying fields drawn from ``rng`` (the same draws,
    in the same order, for every benchmark that seeds systems); ``overrides`` set the texts
    and anything else a benchmark wants fixed."""
    from datetime import date, timedelta

    from inventory import models as m

    fields = dict(
        name=name,
        purpose=f"{name}: supports the {rng.choice(words)} process.",
        expected_benefit="Faster turnaround.",
        business_unit=rng.choice(m.BusinessUnit.values),
        owner=owner,
        submitted_by=owner,
        lifecycle_stage=rng.choice(m.LifecycleStage.values),
        deployment_type=rng.choice(m.DeploymentType.values),
        ai_technique=rng.choice(m.AITechnique.values),
        decision_impact=rng.choice(m.DecisionImpact.values),
        human_oversight=rng.choice(m.HumanOversight.values),
        intended_users="Internal staff",
        affected_groups="Customers",
        data_description="Operational records",
        personal_data=rng.choice(m.PersonalData.values),
        user_facing=rng.random() < 0.3,
        used_in_eu=rng.random() < 0.6,
        known_risks="Bias and drift.",
        risk_tier=rng.choice(m.RiskTier.values),
        next_review_date=date(2026, 1, 1) + timedelta(days=rng.randrange(730)),
    )
    return m.AISystem(**{**fields, **overrides})
