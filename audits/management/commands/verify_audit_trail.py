import json
import os

from django.core.management.base import BaseCommand

from audits.trail.verify import verify_chain


class Command(BaseCommand):
    help = (
        "Recompute the audit trail's hash chain from the history rows as they are now, compare "
        "it with the signed checkpoints, and report every problem found. Exit status 0 when "
        "the trail is intact, 1 when it is not."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")
        parser.add_argument(
            "--workers",
            type=int,
            default=min(os.cpu_count() or 1, 4),
            help="Processes that walk a long chain side by side (default: the cores, up to 4).",
        )

    def handle(self, *args, **options):
        result = verify_chain(workers=max(options["workers"], 1))
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), default=str))
        else:
            self._report(result)
        if not result.ok:
            raise SystemExit(1)

    def _report(self, result) -> None:
        head = result.head
        latest = (result.checkpoints or {}).get("latest")
        self.stdout.write(f"Chain head: {head['length']} links, hash {head['hash']}")
        self.stdout.write(
            f"History rows: {result.rows}, links verified: {result.checked}, "
            f"unsealed: {result.unsealed}"
        )
        if latest:
            self.stdout.write(
                f"Checked against checkpoint {latest['sequence']} ({latest['position']} links, "
                f"signed {latest['signed_at']}); {result.checkpoints['count']} checkpoints valid"
            )
        else:
            self.stdout.write("No signed checkpoint yet.")
        if result.ok:
            self.stdout.write(self.style.SUCCESS("Audit trail intact."))
            return
        for problem in result.problems:
            self.stdout.write(self.style.ERROR(f"- [{problem.kind}] {problem}"))
        hidden = result.problem_count - len(result.problems)
        if hidden:
            self.stdout.write(self.style.ERROR(f"- ... and {hidden} more"))
        self.stdout.write(self.style.ERROR(f"Audit trail BROKEN: {result.problem_count} problems."))
