from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from aims.errors import BusinessRuleError
from audits.trail.chain import adopt_unsealed, unsealed_rows


class Command(BaseCommand):
    help = (
        "Seal history rows that were written without a seal (a bulk load) on a named "
        "governance officer's word. The adoption is itself recorded in the chain; rows dated "
        "before the chain's head are refused. On PostgreSQL a history row can only be adopted "
        "in the transaction that writes it, so this command is for the embedded database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--by", required=True, help="Username of the adopting officer.")
        parser.add_argument("--reason", required=True, help="Why these rows are genuine.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Only count the rows that would be adopted."
        )

    def handle(self, *args, **options):
        if options["dry_run"]:
            self.stdout.write(f"{len(unsealed_rows())} history rows are not sealed.")
            return
        user = get_user_model().objects.filter(username=options["by"]).first()
        if user is None:
            raise CommandError(f"No user named {options['by']!r}.")
        try:
            adoption = adopt_unsealed(actor=user, reason=options["reason"])
        except BusinessRuleError as refused:
            raise CommandError(f"{refused.message} [{refused.code}]") from refused
        self.stdout.write(self.style.SUCCESS(f"Adopted {adoption.rows} history rows."))
