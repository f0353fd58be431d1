"""Take (or retake) the daily trends snapshot now, through the same task beat runs."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "Record today's key figures (readiness, systems by tier and stage, incidents, overdue "
        "reports, corrective actions) for the trends. Running it again the same day updates "
        "that day's snapshot."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="The day to record, YYYY-MM-DD (default: today).", default=None
        )

    def handle(self, *args, **options):
        from aims.trends.services import take_snapshot

        day = None
        if options["date"]:
            try:
                day = date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError("Give the date as YYYY-MM-DD.") from exc
        snapshot = take_snapshot(day)
        self.stdout.write(
            f"Snapshot of {snapshot.day:%Y-%m-%d}: {len(snapshot.figures)} figures recorded."
        )
