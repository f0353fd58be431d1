"""Demo reminders: the rules and schedules, and one sweep for today so the demo users find
notifications behind the bell (and the console shows their digest emails, unsent).

``load_demo`` loads aims first and the apps above it afterwards, inside one transaction: the
sweep runs when that transaction commits, so it sees every app's demo records. Idempotent: a
second load notifies nobody twice.
"""

from django.db import transaction

from aims.reminders.services import ensure_schedules
from aims.reminders.sources import ensure_rules
from aims.reminders.sweep import run_sweep


def load(*, stdout) -> None:
    ensure_rules()
    ensure_schedules()

    def sweep() -> None:
        result = run_sweep()
        stdout.write(
            f"Reminders: {result.total_created} notification(s) created by today's sweep, "
            f"{result.digests} digest email(s)."
        )

    transaction.on_commit(sweep)
