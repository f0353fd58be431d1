#!/usr/bin/env python
"""Daily reminder sweep benchmark (TARGETS.md: 100,000 records in < 5 s, queries per category).

Prints one JSON object per line on stdout; chatter goes to stderr. See benchmarks/README.md.

Seeds due-dated records across the reminder sources with ``bulk_create`` (AI systems, risks,
policies, evidence, training records, corrective actions, suppliers, incidents and management
review actions, owned by a few hundred people), then times ``aims.reminders.sweep.run_sweep`` three
times, seeding excluded:

- ``backlog``: the first sweep ever, every due record is new (about half of them);
- ``same_day``: the same day again, nothing new;
- ``next_day``: the next day, after ~1 % of the records got a new due date inside the window.

Each sweep runs as ``manage.py run_reminders`` does without a broker: in-process, digests
rendered and "sent" (locmem backend) after commit, inside the timed call. The database is a
fresh SQLite file in a temporary folder, or the PostgreSQL database named by
BENCH_DATABASE_URL (created and dropped, as benchmarks/run.py does).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from run import Database, analyse, configure_environment  # noqa: E402  (after the path)

TARGET_SECONDS = 5.0
# Share of the records per source (sums to 1); incidents and review actions are few.
MIX = {
    "system": 0.10,
    "risk": 0.30,
    "policy": 0.05,
    "evidence": 0.24,
    "training": 0.15,
    "capa": 0.10,
    "supplier": 0.05,
    "incident": 0.005,
    "review_action": 0.005,
}
SPREAD_DAYS = 365  # due dates uniform in today ± this: about half are inside the window
BATCH = 2000


def log(*args) -> None:
    print(*args, file=sys.stderr, flush=True)


def emit(record: dict) -> None:
    print(json.dumps(record), flush=True)


# --- seeding --------------------------------------------------------------------------------


class Seeder:
    def __init__(self, n_records: int, n_users: int, today, seed: int = 42) -> None:
        self.n = n_records
        self.n_users = n_users
        self.today = today
        self.rng = random.Random(seed)
        self.counts: Counter = Counter()

    def due(self):
        return self.today + timedelta(days=self.rng.randint(-SPREAD_DAYS, SPREAD_DAYS))

    def share(self, key: str) -> int:
        return max(1, round(self.n * MIX[key]))

    def owner(self) -> int:
        return self.rng.choice(self.user_ids)

    def run(self) -> dict:
        from django.db import transaction

        started = time.perf_counter()
        with transaction.atomic():
            self.users()
            self.systems()
            self.risks()
            self.policies()
            self.evidence()
            self.training()
            self.incidents()
            self.capas()
            self.suppliers()
            self.review_actions()
        analyse()
        log(f"seeded {sum(self.counts.values())} records in {time.perf_counter() - started:.1f}s")
        return dict(self.counts)

    def users(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from aims.roles import OFFICER

        user_model = get_user_model()
        rng = self.rng
        users = [
            user_model(
                username=f"rem-user{i:04d}",
                # 3 % without an address (reminded in the app only), 2 % who left
                email="" if rng.random() < 0.03 else f"rem-user{i:04d}@example.org",
                first_name=f"User{i}",
                last_name="Example",
                password="!",  # unusable; hashing would cost seconds
                is_active=rng.random() >= 0.02,
            )
            for i in range(self.n_users)
        ]
        user_model.objects.bulk_create(users, batch_size=BATCH)
        self.user_ids = list(
            user_model.objects.filter(username__startswith="rem-user")
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        officers = Group.objects.get(name=OFFICER)
        through = user_model.groups.through
        through.objects.bulk_create(
            [through(user_id=pk, group_id=officers.pk) for pk in self.user_ids[:3]]
        )
        self.officer_id = self.user_ids[0]
        self.counts["users"] = len(self.user_ids)

    def systems(self) -> None:
        from inventory import models as m

        rng = self.rng
        rows = []
        for i in range(self.share("system")):
            owner = self.owner()
            rows.append(
                m.AISystem(
                    name=f"System {i}",
                    purpose="Supports a business process.",
                    business_unit=rng.choice(m.BusinessUnit.values),
                    owner_id=owner,
                    submitted_by_id=owner,
                    # mostly live systems; a few retired or rejected ones (no reminder)
                    lifecycle_stage=(
                        rng.choice(m.LifecycleStage.values)
                        if rng.random() < 0.2
                        else m.LifecycleStage.values[len(m.LifecycleStage.values) // 2]
                    ),
                    deployment_type=rng.choice(m.DeploymentType.values),
                    ai_technique=rng.choice(m.AITechnique.values),
                    decision_impact=rng.choice(m.DecisionImpact.values),
                    human_oversight=rng.choice(m.HumanOversight.values),
                    personal_data=rng.choice(m.PersonalData.values),
                    risk_tier=rng.choice(m.RiskTier.values),
                    next_review_date=self.due(),
                )
            )
        m.AISystem.objects.bulk_create(rows, batch_size=BATCH)
        self.system_ids = list(m.AISystem.objects.order_by("pk").values_list("pk", flat=True))
        self.counts["systems"] = len(rows)

    def risks(self) -> None:
        from risk.models import Level, Risk

        rng = self.rng
        rows = [
            Risk(
                system_id=rng.choice(self.system_ids),
                title=f"Risk {i}",
                category=rng.choice(Risk.Category.values),
                risk_source=rng.choice(Risk.Source.values),
                inherent_likelihood=4,
                inherent_impact=4,
                inherent_score=16,
                inherent_level=Level.HIGH,
                treatment=rng.choice(Risk.Treatment.values),
                residual_likelihood=2,
                residual_impact=3,
                residual_score=6,
                residual_level=Level.MEDIUM,
                methodology_version=1,
                appetite=Level.MEDIUM,
                owner_id=self.owner(),
                review_date=self.due(),
            )
            for i in range(self.share("risk"))
        ]
        Risk.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["risks"] = len(rows)

    def policies(self) -> None:
        from aims.models import Policy

        rows = [
            Policy(title=f"Policy {i}", owner_id=self.owner(), next_review_date=self.due())
            for i in range(self.share("policy"))
        ]
        Policy.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["policies"] = len(rows)

    def evidence(self) -> None:
        from django.contrib.contenttypes.models import ContentType
        from django.utils import timezone

        from aims.models import Evidence
        from inventory.models import AISystem

        system_type = ContentType.objects.get_for_model(AISystem)
        rng = self.rng
        rows = [
            Evidence(
                title=f"Evidence {i}",
                kind=Evidence.Kind.LINK,
                url=f"https://example.org/evidence/{i}",
                owner_id=self.owner(),
                valid_until=self.due(),
                target_type=system_type,
                target_id=rng.choice(self.system_ids),
                # one in ten is an older version, superseded (no reminder)
                superseded_at=timezone.now() if rng.random() < 0.1 else None,
            )
            for i in range(self.share("evidence"))
        ]
        Evidence.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["evidence"] = len(rows)

    def training(self) -> None:
        from aims.models import Course, TrainingRecord

        courses = Course.objects.bulk_create(
            [Course(title=f"Course {i}", validity_months=12) for i in range(25)]
        )
        course_ids = list(Course.objects.order_by("pk").values_list("pk", flat=True))
        rows = []
        for _ in range(self.share("training")):
            expires = self.due()
            rows.append(
                TrainingRecord(
                    user_id=self.owner(),
                    course_id=self.rng.choice(course_ids),
                    completed_on=expires - timedelta(days=365),
                    expires_on=expires,
                    recorded_by_id=self.officer_id,
                )
            )
        TrainingRecord.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["training_records"] = len(rows)
        self.counts["courses"] = len(courses)

    def incidents(self) -> None:
        from incidents.models import Incident, Severity, Status

        rng = self.rng
        rows = []
        for i in range(self.share("incident")):
            closed = rng.random() < 0.85
            serious = rng.random() < 0.2
            rows.append(
                Incident(
                    title=f"Incident {i}",
                    description="Something went wrong.",
                    system_id=rng.choice(self.system_ids),
                    owner_id=self.owner(),
                    reporter_id=self.owner(),
                    detection_channel=rng.choice(
                        Incident._meta.get_field("detection_channel").choices
                    )[0],
                    category=rng.choice(Incident._meta.get_field("category").choices)[0],
                    severity=rng.choice(Severity.values),
                    status=Status.CLOSED if closed else Status.REPORTED,
                    reporting_deadline=self.due() if serious else None,
                )
            )
        Incident.objects.bulk_create(rows, batch_size=BATCH)
        self.incident_ids = list(Incident.objects.order_by("pk").values_list("pk", flat=True))
        self.counts["incidents"] = len(rows)

    def capas(self) -> None:
        from django.contrib.contenttypes.models import ContentType

        from aims.models import CorrectiveAction
        from incidents.models import Incident

        incident_type = ContentType.objects.get_for_model(Incident)
        statuses = CorrectiveAction.Status.values
        rng = self.rng
        rows = [
            CorrectiveAction(
                title=f"Corrective action {i}",
                nonconformity="A nonconformity.",
                action_plan="A plan.",
                owner_id=self.owner(),
                due_date=self.due(),
                status=rng.choice(statuses),
                source_type=incident_type,
                source_id=rng.choice(self.incident_ids),
            )
            for i in range(self.share("capa"))
        ]
        CorrectiveAction.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["corrective_actions"] = len(rows)

    def suppliers(self) -> None:
        from suppliers.models import Supplier, SupplierStatus

        rng = self.rng
        rows = [
            Supplier(
                name=f"Supplier {i}",
                supplier_type=rng.choice(Supplier._meta.get_field("supplier_type").choices)[0],
                criticality=rng.choice(Supplier._meta.get_field("criticality").choices)[0],
                owner_id=self.owner(),
                status=(
                    SupplierStatus.OFFBOARDED
                    if rng.random() < 0.05
                    else Supplier._meta.get_field("status").default
                ),
                next_reassessment_date=self.due(),
            )
            for i in range(self.share("supplier"))
        ]
        Supplier.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["suppliers"] = len(rows)

    def review_actions(self) -> None:
        from audits.models import ManagementReview, ReviewAction

        reviews = [
            ManagementReview(title=f"Review {q}", meeting_date=self.today, chair_id=self.officer_id)
            for q in range(8)
        ]
        ManagementReview.objects.bulk_create(reviews)
        review_ids = list(ManagementReview.objects.values_list("pk", flat=True))
        rows = [
            ReviewAction(
                review_id=self.rng.choice(review_ids),
                description=f"Action {i}\nDetails.",
                owner_id=self.owner(),
                due_date=self.due(),
            )
            for i in range(self.share("review_action"))
        ]
        ReviewAction.objects.bulk_create(rows, batch_size=BATCH)
        self.counts["review_actions"] = len(rows)


def shift_due_dates(share: float, today, seed: int = 7) -> int:
    """Give ``share`` of the records of each date-based source a new due date inside the
    window of ``today`` (what owners editing records do between two sweeps): each becomes a
    new reminder. Answers how many records changed."""
    from aims.models import CorrectiveAction, Evidence, Policy, TrainingRecord
    from inventory.models import AISystem
    from risk.models import Risk
    from suppliers.models import Supplier

    rng = random.Random(seed)
    changed = 0
    for model, field in (
        (AISystem, "next_review_date"),
        (Risk, "review_date"),
        (Policy, "next_review_date"),
        (Evidence, "valid_until"),
        (TrainingRecord, "expires_on"),
        (CorrectiveAction, "due_date"),
        (Supplier, "next_reassessment_date"),
    ):
        ids = list(model.objects.values_list("pk", flat=True))
        picked = rng.sample(ids, max(1, round(len(ids) * share)))
        for offset in range(0, 7):  # a handful of UPDATEs per table, not one per row
            chunk = picked[offset::7]
            model.objects.filter(pk__in=chunk).update(**{field: today + timedelta(days=offset)})
        changed += len(picked)
    analyse()
    return changed


# --- measuring ------------------------------------------------------------------------------


class Counter_:
    """Counts statements and their time in ``execute`` (cheaper than the debug cursor)."""

    def __init__(self) -> None:
        self.queries = 0
        self.sql_seconds = 0.0
        self.statements: list[tuple[float, str]] = []

    def __call__(self, execute, sql, params, many, context):
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            elapsed = time.perf_counter() - began
            self.queries += 1
            self.sql_seconds += elapsed
            self.statements.append((elapsed, sql))

    def log_slowest(self, case: str, top: int) -> None:
        log(f"{case}: slowest of {self.queries} statements")
        for elapsed, sql in sorted(self.statements, key=lambda s: -s[0])[:top]:
            log(f"  {elapsed * 1000:8.1f} ms  {' '.join(sql.split())[:220]}")


def sweep(case: str, today, vendor: str, profile: bool = False, slowest: int = 0) -> dict:
    from django.core import mail
    from django.db import connection

    from aims.models import Notification
    from aims.reminders.sweep import run_sweep

    mail.outbox = []
    before = Notification.objects.count()
    counter = Counter_()
    profiler = cProfile.Profile() if profile else None
    with connection.execute_wrapper(counter):
        if profiler:
            profiler.enable()
        began = time.perf_counter()
        result = run_sweep(today=today)
        seconds = time.perf_counter() - began
        if profiler:
            profiler.disable()
    if slowest:
        counter.log_slowest(case, slowest)
    if profiler:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
        stats.print_stats(35)
        out.write("\n--- by own time ---\n")
        stats.sort_stats("tottime").print_stats(25)
        log(out.getvalue())
    created_rows = Notification.objects.count() - before
    assert created_rows == result.total_created, (created_rows, result.total_created)
    timings = getattr(result, "seconds", {}) or {}
    record = {
        "bench": "reminder_sweep",
        "case": case,
        "db": vendor,
        "day": today.isoformat(),
        "seconds": round(seconds, 3),
        "queries": counter.queries,
        "sql_seconds": round(counter.sql_seconds, 3),
        "due": sum(result.due.values()),
        "created": result.total_created,
        "digests": result.digests,
        "emails_sent": len(mail.outbox),
        "per_category_s": {k: round(v, 3) for k, v in timings.items()},
        "created_by_category": dict(result.created),
        "meets_target": seconds < TARGET_SECONDS,
        "load_1m": round(os.getloadavg()[0], 2),
    }
    emit(record)
    mail.outbox = []
    return record


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000, help="due-dated records")
    parser.add_argument("--users", type=int, default=300, help="people owning them")
    parser.add_argument(
        "--new-share", type=float, default=0.01, help="records newly due on the next day"
    )
    parser.add_argument(
        "--profile",
        choices=["backlog", "same_day", "next_day"],
        action="append",
        default=[],
        help="cProfile this case (stderr); the profiler inflates its time",
    )
    parser.add_argument(
        "--slowest", type=int, default=0, help="log the N slowest statements of each case"
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
        from django.utils import timezone

        log(f"database: {db.vendor} ({connection.settings_dict['NAME']})")
        t0 = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        log(f"migrated in {time.perf_counter() - t0:.1f}s")

        today = timezone.localdate()
        counts = Seeder(args.records, args.users, today).run()
        emit({"bench": "reminder_seed", "db": db.vendor, **counts})

        from aims.reminders.sources import ensure_rules

        ensure_rules()  # created by migrate already; a no-op, outside the timings
        results = [sweep("backlog", today, db.vendor, "backlog" in args.profile, args.slowest)]
        analyse()  # autovacuum would analyse the grown notification table
        results.append(
            sweep("same_day", today, db.vendor, "same_day" in args.profile, args.slowest)
        )
        tomorrow = today + timedelta(days=1)
        changed = shift_due_dates(args.new_share, tomorrow)
        log(f"{changed} records got a new due date for {tomorrow}")
        results.append(
            sweep("next_day", tomorrow, db.vendor, "next_day" in args.profile, args.slowest)
        )
        emit({
            "bench": "reminder_summary",
            "db": db.vendor,
            "records": sum(v for k, v in counts.items() if k not in ("users", "courses")),
            "users": counts["users"],
            "seconds": {r["case"]: r["seconds"] for r in results},
            "queries": {r["case"]: r["queries"] for r in results},
            "target_seconds": TARGET_SECONDS,
            "all_targets_met": all(r["meets_target"] for r in results),
            "load_avg": [round(x, 2) for x in os.getloadavg()],
        })  # fmt: skip
    finally:
        db.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
