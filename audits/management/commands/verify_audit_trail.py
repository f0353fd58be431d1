import json

from django.core.management.base import BaseCommand, CommandError

from audits.audit_trail import seal_unsealed, verify_chain


class Command(BaseCommand):
    help = (
        "Recompute the audit trail's hash chain from the history rows as they are now and name "
        "the first broken record. Exits non-zero when the chain does not hold."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seal",
            action="store_true",
            help="First seal history rows written without signals (bulk loads).",
        )
        parser.add_argument("--json", action="store_true", help="Print the result as JSON.")

    def handle(self, *args, **options):
        if options["seal"]:
            self.stdout.write(f"Sealed {seal_unsealed()} history rows.")
        result = verify_chain()
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict()))
        elif result.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Audit trail intact: {result.checked} sealed history rows verified"
                    + (
                        f"; {result.unsealed} not sealed yet (run with --seal)."
                        if result.unsealed
                        else "."
                    )
                )
            )
        if not result.ok:
            broken = result.first_broken or {}
            raise CommandError(
                "Audit trail broken at "
                + (
                    f"{broken.get('table')} history row {broken.get('history_id')}: "
                    f"{broken.get('reason')}"
                    if broken
                    else "; ".join(result.problems)
                )
            )
