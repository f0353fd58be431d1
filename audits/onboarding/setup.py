"""Starting an organisation without demo data: the first governance officer's account, with
the roles and the catalogue in place (``manage.py start_organisation`` calls this)."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.validators import validate_email
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from aims.roles import OFFICER

from ..catalogue.services import load_catalogue

User = get_user_model()


@dataclass(frozen=True)
class Started:
    user: object
    created: bool  # False: the account existed and was made an officer


def unapplied_migrations() -> list[str]:
    """Migrations not applied to the default database (the command migrates nothing)."""
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def ensure_roles_and_catalogue() -> dict:
    """The role groups with their permissions, and the ISO/IEC 42001 catalogue (both
    idempotent; migrate already does both, this repairs a database where they drifted)."""
    call_command("sync_roles", verbosity=0)
    return load_catalogue()


@transaction.atomic
def officer_account_create(*, username: str, email: str, password: str) -> Started:
    """Create the first governance officer (or give an existing account of that name the
    role, keeping its password). Bad input is a ValidationError with field errors."""
    errors: dict[str, list[str]] = {}
    username = (username or "").strip()
    if not username:
        errors["username"] = ["Give a username."]
    try:
        validate_email(email)
    except ValidationError:
        errors["email"] = ["Give a valid email address."]
    existing = User.objects.filter(username=username).first() if username else None
    if existing is None and not errors:
        candidate = User(username=username, email=email)
        try:
            validate_password(password, user=candidate)
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
    if errors:
        raise ValidationError(errors)
    group, _ = Group.objects.get_or_create(name=OFFICER)
    if existing is not None:
        existing.groups.add(group)
        return Started(user=existing, created=False)
    user = User.objects.create_user(username=username, email=email, password=password)
    user.groups.add(group)
    return Started(user=user, created=True)
