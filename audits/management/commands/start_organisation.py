"""``manage.py start_organisation``: start a real organisation, without demo data."""

import getpass
import os
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from audits.onboarding import setup

PASSWORD_ENV = "AIMS_OFFICER_PASSWORD"  # noqa: S105  (a variable name, not a password)


class Command(BaseCommand):
    help = (
        "Start a real organisation, without demo data: create the first governance officer's "
        "account, make sure the roles and the ISO/IEC 42001 catalogue are loaded, and print "
        "the address of the first run (/start/), where that officer records the organisation "
        "profile, the scope, the AI in use and the gap assessment. Migrates nothing: run "
        "`manage.py migrate` first. The password comes from --password, else the "
        f"{PASSWORD_ENV} environment variable, else a prompt. Safe to run again: an existing "
        "account of that name keeps its password and is given the officer role."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", required=True, help="The officer's username.")
        parser.add_argument("--email", required=True, help="The officer's email address.")
        parser.add_argument(
            "--password",
            help=f"The officer's password (else ${PASSWORD_ENV}, else asked for).",
        )
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000/",
            help="The address the application is served at (default http://127.0.0.1:8000/).",
        )

    def handle(self, *args, **options):
        pending = setup.unapplied_migrations()
        if pending:
            raise CommandError(
                f"The database is not migrated ({len(pending)} migrations to apply): "
                "run `manage.py migrate` first."
            )
        summary = setup.ensure_roles_and_catalogue()
        self.stdout.write(
            f"Roles in place; catalogue: {summary['requirements']} requirements and "
            f"{summary['controls']} Annex A controls."
        )
        password = options["password"] or os.environ.get(PASSWORD_ENV, "")
        if not password and not _exists(options["username"]):
            password = self._ask_password()
        try:
            started = setup.officer_account_create(
                username=options["username"], email=options["email"], password=password
            )
        except ValidationError as exc:
            lines = [f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items()]
            raise CommandError("; ".join(lines)) from exc
        user = started.user
        if started.created:
            self.stdout.write(self.style.SUCCESS(f"Governance officer {user.username} created."))
        else:
            self.stdout.write(
                f"{user.username} already had an account; it is a governance officer now "
                "(password unchanged)."
            )
        url = options["url"].rstrip("/") + "/start/"
        self.stdout.write(self.style.SUCCESS(f"Open {url} and sign in as {user.username}."))

    def _ask_password(self) -> str:
        if not sys.stdin.isatty():
            raise CommandError(
                f"Give a password: --password, or the {PASSWORD_ENV} environment variable."
            )
        first = getpass.getpass("Password for the officer: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ.")
        return first


def _exists(username: str) -> bool:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(username=username).exists()
