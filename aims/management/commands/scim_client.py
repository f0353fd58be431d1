"""Create or revoke the bearer token of an identity provider's SCIM client.

manage.py scim_client create "Entra ID"   # prints the token once
manage.py scim_client revoke "Entra ID"
manage.py scim_client list
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from aims.scim import services
from aims.scim.models import ScimClient


class Command(BaseCommand):
    help = "Create, revoke or list SCIM clients (identity providers' provisioning tokens)."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["create", "revoke", "list"])
        parser.add_argument("name", nargs="?", default="")

    def handle(self, *args, action, name, **options):
        if action == "list":
            for client in ScimClient.objects.all():
                state = f"revoked {client.revoked_at:%Y-%m-%d}" if client.revoked_at else "active"
                self.stdout.write(f"{client.name}\t{client.token_hint}...\t{state}")
            return
        if not name:
            raise CommandError("Give the client's name.")
        if action == "create":
            try:
                client, token = services.client_create(name=name)
            except ValidationError as error:
                raise CommandError("; ".join(error.messages)) from error
            self.stderr.write(f"SCIM client {client.name} created. Its token (shown once):")
            self.stdout.write(token)
            return
        client = ScimClient.objects.filter(name=name).first()
        if client is None:
            raise CommandError(f"No SCIM client named {name}.")
        services.client_revoke(client=client)
        self.stdout.write(f"SCIM client {client.name} revoked.")
