from django.apps import apps
from django.core.management.base import BaseCommand

from aims.roles import grant_role_permissions


class Command(BaseCommand):
    help = "Re-apply every app's role permissions (<app>/roles.py) to the role groups."

    def handle(self, *args, **options):
        from importlib import import_module

        for config in apps.get_app_configs():
            try:
                module = import_module(f"{config.name}.roles")
            except ModuleNotFoundError:
                continue
            grants = getattr(module, "PERMISSIONS", None)
            if grants:
                labels = {p.split(".", 1)[0] for perms in grants.values() for p in perms}
                for label in sorted(labels | {config.label}):
                    grant_role_permissions(apps, label, grants)
                if options["verbosity"]:
                    self.stdout.write(f"{config.label}: role permissions applied")
