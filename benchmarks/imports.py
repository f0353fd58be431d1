#!/usr/bin/env python
"""Import benchmark: 10,000 AI systems from one XLSX file through aims.imports (preview, then
commit through the same services as the forms), then the same file again.

Prints JSON lines on stdout: {"bench": "import_preview" | "import_commit" | "import_again",
"rows": ..., "seconds": ..., "rows_per_second": ..., "peak_mib": ...} (peak memory of the
Python heap during the step, by tracemalloc, which slows the step it watches: the rates
are measured in a separate run without it). The re-import must report every row unchanged
and write no history row. Chatter on stderr. The database is the PostgreSQL database named
by BENCH_DATABASE_URL (created and dropped), else a fresh SQLite file; see benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _common import Database, configure_environment, emit, log  # noqa: E402

TARGET_PER_SECOND = 1_000


def workbook(rows: int) -> bytes:
    """An XLSX of ``rows`` new systems (write-only: the file is built row by row)."""
    from openpyxl import Workbook

    from inventory.imports import EXPORT_HEADINGS

    book = Workbook(write_only=True)
    sheet = book.create_sheet("AI systems")
    sheet.append(list(EXPORT_HEADINGS))
    units = ["Human resources", "Finance", "Operations", "Marketing"]
    for n in range(rows):
        cells = {
            "External id": f"BENCH-{n:06d}", "Name": f"Benchmark system {n}",
            "Business unit": units[n % len(units)], "Owner": "bench_owner",
            "Deployment type": "Third-party API", "AI technique": "Predictive machine learning",
            "Decision impact": "Assists a human",
            "Human oversight": "Human on the loop (monitors, can intervene)",
            "Personal data": "No personal data", "User facing": "no", "Used in the EU": "yes",
            "Purpose": f"Forecasts demand for product line {n}.",
        }  # fmt: skip
        sheet.append([cells.get(h, "") for h in EXPORT_HEADINGS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def step(name: str, run, rows: int, *, trace: bool) -> dict:
    if trace:
        tracemalloc.start()
    t0 = time.perf_counter()
    job = run()
    seconds = time.perf_counter() - t0
    record = {"bench": name, "rows": rows, "seconds": round(seconds, 2),
              "rows_per_second": round(rows / seconds, 1), "target": TARGET_PER_SECOND,
              "status": job.status, "create": job.to_create, "update": job.to_update,
              "unchanged": job.unchanged, "refused": job.error_count}  # fmt: skip
    if trace:
        record["peak_mib"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
        tracemalloc.stop()
        record.pop("rows_per_second")  # tracemalloc slows the step: its rate is not the rate
    return record


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--memory", action="store_true", help="also measure peak memory")
    args = parser.parse_args()
    db = Database()
    configure_environment(db)
    try:
        db.create()
        import django

        django.setup()
        from django.core.files.uploadedfile import SimpleUploadedFile
        from django.core.management import call_command
        from django.db import connection

        from aims.imports import services
        from aims.roles import OFFICER
        from inventory.models import AISystem
        from tests.factories import user_with_role

        log(f"database: {db.vendor} ({connection.settings_dict['NAME']})")
        call_command("migrate", verbosity=0, interactive=False)
        officer = user_with_role(OFFICER, username="bench_officer")
        user_with_role(OFFICER, username="bench_owner")
        content = workbook(args.rows)
        log(f"workbook: {len(content) / 2**20:.1f} MiB, {args.rows} rows")

        def upload():
            file = SimpleUploadedFile("bench.xlsx", content)
            return services.import_upload(actor=officer, kind="systems", uploaded=file)

        job = None

        def preview():
            nonlocal job
            job = upload()
            return job

        emit({"db": db.vendor, **step("import_preview", preview, args.rows, trace=False)})
        emit({"db": db.vendor, **step(
            "import_commit", lambda: services.import_commit(actor=officer, job=job), args.rows,
            trace=False)})  # fmt: skip
        history = AISystem.history.count()
        again = step("import_again", preview, args.rows, trace=False)
        committed = services.import_commit(actor=officer, job=job)
        again["wrote_history_rows"] = AISystem.history.count() - history
        again["commit_status"] = committed.status
        emit({"db": db.vendor, **again})
        if args.memory:
            emit({"db": db.vendor, **step("import_preview_memory", preview, args.rows, trace=True)})
    finally:
        db.drop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
