#!/usr/bin/env python
"""Inventory read benchmarks (TARGETS.md): list and detail pages, HTML and API.

Prints one JSON object per line on stdout; everything else goes to stderr. See
benchmarks/README.md for how to run it and what each line means.

The database is a fresh SQLite file in a temporary folder, or the PostgreSQL database named by
BENCH_DATABASE_URL (created if missing, dropped at the end). The developer database
(var/aims.sqlite3) is never touched.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SIZES = (100, 10_000)
PAGE_SIZE = 100
MIN_RUNS = 7
N_OWNERS = 20  # in the "System owner" group; systems are dealt out round-robin
N_ROLELESS_OWNERS = 4  # own systems through object permissions only, no group
TARGETS = {
    # bench: (median ms, queries) at 10,000 systems (TARGETS.md)
    "inventory_list_html": (70.0, 10),
    "inventory_list_api": (70.0, 10),
    "system_detail_html": (36.0, 10),
    "system_detail_api": (36.0, 10),
}


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
                if not self.name.startswith("aims_bench"):
                    raise SystemExit(
                        f"Database {self.name!r} already exists. The benchmark needs a fresh "
                        "one: drop it or name another (names starting with aims_bench are "
                        "treated as leftovers of an earlier run and recreated)."
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

WORDS = [
    "CV", "screening", "chatbot", "forecast", "triage", "vision", "claims", "fraud", "churn",
    "pricing", "routing", "summariser", "translation", "copilot", "search", "ranking", "anomaly",
    "speech", "invoice", "contract", "review", "assistant",
]  # fmt: skip


class Seeder:
    def __init__(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group, Permission

        from aims.roles import OFFICER, OWNER

        user_model = get_user_model()
        self.rng = random.Random(42)
        self.count = 0
        self.officer = self._user(user_model, "bench-officer", "Grace", "Officer")
        self.officer.groups.add(Group.objects.get(name=OFFICER))
        owner_group = Group.objects.get(name=OWNER)
        self.owners = []
        for i in range(N_OWNERS):
            owner = self._user(user_model, f"bench-owner{i:02d}", f"Owner{i}", "Example")
            owner.groups.add(owner_group)
            self.owners.append(owner)
        for i in range(N_ROLELESS_OWNERS):
            self.owners.append(self._user(user_model, f"bench-former{i}", "", ""))
        self.bench_owner = self.owners[0]
        perms = Permission.objects.filter(
            content_type__app_label="inventory", codename__in=["view_aisystem", "change_aisystem"]
        )
        self.owner_perms = list(perms)  # services.OWNER_OBJECT_PERMS
        assert len(self.owner_perms) == 2, self.owner_perms

    @staticmethod
    def _user(user_model, username: str, first: str, last: str):
        user = user_model(
            username=username, email=f"{username}@example.org", first_name=first, last_name=last
        )
        user.set_unusable_password()  # force_login needs none; hashing would cost seconds
        user.save()
        return user

    def _system(self, index: int):
        from inventory import models as m

        rng = self.rng
        name = " ".join(rng.sample(WORDS, 3)).capitalize()
        return m.AISystem(
            name=f"{name} {index}",
            purpose=f"{name}: supports the {rng.choice(WORDS)} process for the team. " * 3,
            expected_benefit="Faster turnaround and fewer manual errors.",
            business_unit=rng.choice(m.BusinessUnit.values),
            owner=self.owners[index % len(self.owners)],
            submitted_by=self.owners[index % len(self.owners)],
            lifecycle_stage=rng.choice(m.LifecycleStage.values),
            deployment_type=rng.choice(m.DeploymentType.values),
            ai_technique=rng.choice(m.AITechnique.values),
            decision_impact=rng.choice(m.DecisionImpact.values),
            human_oversight=rng.choice(m.HumanOversight.values),
            intended_users="Internal staff",
            affected_groups="Customers and applicants",
            data_description="Operational records",
            personal_data=rng.choice(m.PersonalData.values),
            user_facing=rng.random() < 0.3,
            used_in_eu=rng.random() < 0.6,
            known_risks="Bias, drift and over-reliance.",
            risk_tier=rng.choice(m.RiskTier.values),
            next_review_date=date(2026, 1, 1) + timedelta(days=rng.randrange(730)),
        )

    def top_up(self, total: int) -> float:
        """Create systems (with history rows and owners' object permissions) up to ``total``."""
        from django.db import transaction
        from simple_history.utils import bulk_create_with_history

        from inventory.models import AISystem, AISystemUserObjectPermission

        started = time.perf_counter()
        new = [self._system(i) for i in range(self.count, total)]
        with transaction.atomic():
            created = bulk_create_with_history(
                new,
                AISystem,
                batch_size=500,
                default_user=self.officer,
                default_change_reason="Benchmark seed",
            )
            if not created or created[0].pk is None:  # backends without RETURNING
                created = list(AISystem.objects.order_by("id")[self.count : total])
            AISystemUserObjectPermission.objects.bulk_create(
                [
                    AISystemUserObjectPermission(
                        user_id=system.owner_id, permission=perm, content_object=system
                    )
                    for system in created
                    for perm in self.owner_perms
                ],
                batch_size=1000,
            )
        self.count = total
        analyse()
        return time.perf_counter() - started

    def detail_target(self):
        """A system of the benchmarked owner, at an open gate, from the middle of the ids."""
        from inventory.models import AISystem

        mine = AISystem.objects.filter(owner=self.bench_owner).order_by("id")
        gated = list(mine.filter(lifecycle_stage="in_triage").values_list("id", flat=True))
        ids = gated or list(mine.values_list("id", flat=True))
        return ids[len(ids) // 2]


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


def rows_in(response) -> int | None:
    if response.get("Content-Type", "").startswith("application/json"):
        data = response.json()
        return len(data["results"]) if isinstance(data, dict) and "results" in data else 1
    body = response.content.decode()
    match = re.search(r"<tbody>(.*?)</tbody>", body, re.S)
    return match.group(1).count("<tr") if match else 1


def total_in(response) -> int | None:
    if response.get("Content-Type", "").startswith("application/json"):
        data = response.json()
        return data.get("count") if isinstance(data, dict) else None
    match = re.search(rb"([\d,]+) systems? found", response.content)
    return int(match.group(1).replace(b",", b"")) if match else None


def measure(client, path: str, runs: int, warmup: int, budget_s: float) -> dict:
    """Warm up, count the queries of one request, then time ``runs`` requests (fewer when a
    request is so slow that they would not fit in ``budget_s``; at least MIN_RUNS)."""
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
    runs = min(runs, max(MIN_RUNS, int(budget_s / min(warm))))
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
        "rows": rows_in(response),
        "visible": total_in(response),
        "bytes": len(response.content),
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="timed requests per bench")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests first")
    parser.add_argument(
        "--budget",
        type=float,
        default=8.0,
        help="seconds of timed requests per bench line; slow pages get fewer runs (min 7)",
    )
    parser.add_argument(
        "--sizes", default=",".join(map(str, SIZES)), help="system counts, ascending"
    )
    parser.add_argument(
        "--profile", action="store_true", help="cProfile each bench at the largest size (stderr)"
    )
    parser.add_argument("--only", default="", help="comma-separated bench names to run")
    parser.add_argument(
        "--keep", action="store_true", help="keep the seeded database for inspection (stderr)"
    )
    parser.add_argument(
        "--show-queries", action="store_true", help="print each bench's SQL (stderr)"
    )
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))

    db = Database()
    configure_environment(db)
    started = time.perf_counter()
    try:
        db.create()
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.test import Client

        log(f"database: {db.vendor} ({connection.settings_dict['NAME']})")
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        log(f"migrated in {time.perf_counter() - t0:.1f}s")

        seeder = Seeder()
        clients = {}
        for role, user in (("officer", seeder.officer), ("owner", seeder.bench_owner)):
            clients[role] = Client()
            clients[role].force_login(user)

        results: dict[tuple[str, str], dict[int, dict]] = {}
        missing_api = set()
        for n in sizes:
            seconds = seeder.top_up(n)
            log(f"seeded {n} systems ({seconds:.1f}s)")
            target = seeder.detail_target()
            benches = [
                ("inventory_list_html", f"/systems/?page_size={PAGE_SIZE}"),
                ("inventory_list_api", f"/api/v1/systems/?page_size={PAGE_SIZE}"),
                ("system_detail_html", f"/systems/{target}/"),
                ("system_detail_api", f"/api/v1/systems/{target}/"),
            ]
            if args.only:
                benches = [b for b in benches if b[0] in args.only.split(",")]
            for bench, path in benches:
                for role, client in clients.items():
                    result = measure(client, path, args.runs, args.warmup, args.budget)
                    captured = result.pop("_captured", [])
                    record = {"bench": bench, "n": n, "role": role, "db": db.vendor}
                    if "status" in result:
                        # A URL that does not resolve answers the HTML 404 page; an API
                        # object outside the user's reach answers a JSON 404.
                        error = (
                            "endpoint missing"
                            if result["status"] == 404 and not result["json"]
                            else f"HTTP {result['status']}"
                        )
                        if error == "endpoint missing":
                            missing_api.add(bench)
                        record.update(
                            {"median_ms": None, "queries": None, "error": error, "path": path}
                        )
                    else:
                        record.update(result)
                        record["path"] = path
                    emit(record)
                    results[(bench, role)] = {**results.get((bench, role), {}), n: record}
                    if args.show_queries and captured:
                        log(f"\n--- {bench} n={n} role={role}: {len(captured)} queries")
                        for q in captured:
                            log(f"[{q.get('ms', 0):.2f} ms] {q['sql']}")
        if args.profile:
            for bench, path in benches:
                for role, client in clients.items():
                    if bench not in missing_api:
                        profile(client, path, f"{bench} n={sizes[-1]} role={role}")

        emit(summary(results, sizes, db.vendor, time.perf_counter() - started))
        return 0
    finally:
        if args.keep:
            log(f"kept the database: {db.url}")
        else:
            db.drop()


def summary(results: dict, sizes: list[int], vendor: str, seconds: float) -> dict:
    small, large = sizes[0], sizes[-1]
    flat, meets, errors = {}, {}, {}
    for (bench, role), by_size in sorted(results.items()):
        key = f"{bench}/{role}"
        a, b = by_size.get(small, {}), by_size.get(large, {})
        if b.get("error") or a.get("error"):
            errors[key] = b.get("error") or a.get("error")
            flat[key] = meets[key] = False
            continue
        flat[key] = a.get("queries") == b.get("queries")
        limit_ms, limit_queries = TARGETS[bench]
        meets[key] = b["median_ms"] <= limit_ms and b["queries"] <= limit_queries
    record = {
        "bench": "summary",
        "db": vendor,
        "n": large,
        "flat_queries": all(flat.values()),
        "flat_queries_by_bench": flat,
        "meets_targets": meets,
        "all_targets_met": all(meets.values()) and all(flat.values()),
        "targets": {k: {"median_ms": v[0], "queries": v[1]} for k, v in TARGETS.items()},
        "seconds": round(seconds, 1),
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }
    if errors:
        record["errors"] = errors
    return record


if __name__ == "__main__":
    sys.exit(main())
