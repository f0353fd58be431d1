"""``manage.py run_reminders``: the daily reminder sweep, in-process.

With a broker, Celery beat runs the same sweep (aims.tasks.run_reminder_sweep) every day;
without one (the embedded default), schedule this command with cron. Running it twice on the
same day sends nothing twice.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from aims.reminders.sources import sources_by_kind
from aims.reminders.sweep import run_sweep
from aims.webhooks.sweep import run_checks


class Command(BaseCommand):
    help = (
        "Run the reminder sweep: notify each person of what is due (once per record and "
        "stage) and queue one digest email per person for the day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date",
            dest="day",
            metavar="YYYY-MM-DD",
            help="Sweep as if today were this date (default: today, in TIME_ZONE).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Count what is due and what would be new; write and send nothing.",
        )

    def handle(self, *args, day=None, dry_run=False, **options):
        try:
            today = date.fromisoformat(day) if day else None
        except ValueError:
            raise CommandError(f"--date must be YYYY-MM-DD, not '{day}'.") from None
        result = run_sweep(today=today, dry_run=dry_run)
        labels = {kind: source.label for kind, source in sources_by_kind().items()}
        verb = "would be new" if dry_run else "new"
        self.stdout.write(
            f"Reminder sweep for {result.day:%Y-%m-%d}{' (dry run)' if dry_run else ''}"
        )
        for kind, due in result.due.items():
            self.stdout.write(
                f"  {labels.get(kind, kind):<48} {due:>6} due  {result.created[kind]:>6} {verb}"
            )
        for kind in result.disabled:
            self.stdout.write(f"  {labels.get(kind, kind):<48} switched off")
        summary = f"{result.total_created} notification(s) {verb}"
        if dry_run:
            self.stdout.write(self.style.SUCCESS(f"{summary}; nothing written or sent."))
        else:
            self.stdout.write(
                self.style.SUCCESS(f"{summary}; {result.digests} digest email(s) queued.")
            )
            # The webhook events found by date (overdue records, readiness changed).
            raised = run_checks(today=result.day)
            if raised:
                self.stdout.write(f"Webhook events raised: {sum(raised.values())}")
