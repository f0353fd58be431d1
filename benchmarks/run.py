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
import os
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

# Shared with the other benchmarks (which import them from here or from _common).
from _common import (  # noqa: E402  (after the path)
    Database,
    analyse,
    configure_environment,
    emit,
    log,
    profile,
    random_system,
)
from _common import measure as _measure  # noqa: E402

SIZES = (100, 10_000)
PAGE_SIZE = 100
N_OWNERS = 20  # in the "System owner" group; systems are dealt out round-robin
N_ROLELESS_OWNERS = 4  # own systems through object permissions only, no group
TARGETS = {
    # bench: (median ms, queries) at 10,000 systems (TARGETS.md)
    "inventory_list_html": (70.0, 10),
    "inventory_list_api": (70.0, 10),
    "system_detail_html": (36.0, 10),
    "system_detail_api": (36.0, 10),
}


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

        rng = self.rng
        name = " ".join(rng.sample(WORDS, 3)).capitalize()
        owner = self.owners[index % len(self.owners)]
        return random_system(
            rng, WORDS, name=f"{name} {index}", owner=owner,
            purpose=f"{name}: supports the {rng.choice(WORDS)} process for the team. " * 3,
            expected_benefit="Faster turnaround and fewer manual errors.",
            affected_groups="Customers and applicants",
            known_risks="Bias, drift and over-reliance.",
        )  # fmt: skip

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
    """Time one page (benchmarks/_common.py) with the inventory's rows and visible count."""
    return _measure(client, path, runs, warmup, budget_s, describe=describe)


def describe(response) -> dict:
    return {"rows": rows_in(response), "visible": total_in(response)}


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
