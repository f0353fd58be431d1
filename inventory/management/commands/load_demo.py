"""Load demo users and a believable organisation's AI inventory, idempotently.

Every record goes through the inventory services, so the history carries the real actor and
reason of each step. Systems are keyed by name: a system that already exists is left alone
with everything under it, so a second run creates nothing. Users are brought back to their
demo role, details and password (``settings.AIMS_DEMO_PASSWORD``), saved only when something
differs.
"""

import importlib
import importlib.util
import io
import logging
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from aims.roles import APPROVER, AUDITOR, OFFICER, OWNER
from inventory import services
from inventory.demo_systems import SYSTEMS
from inventory.models import (
    AISystem,
    Approval,
    ApprovalCondition,
    ChangeRequest,
    Component,
    Dataset,
    LifecycleStage,
)

User = get_user_model()
Stage = LifecycleStage

BASE_URL = "http://127.0.0.1:8000/"

# username, role (None: superuser), first name, last name
DEMO_USERS: tuple[tuple[str, str | None, str, str], ...] = (
    ("officer", OFFICER, "Grace", "Okafor"),
    ("approver", APPROVER, "Anders", "Lindqvist"),
    ("approver2", APPROVER, "Priya", "Raman"),
    ("owner", OWNER, "Olivia", "Brandt"),
    ("owner2", OWNER, "Tomás", "Ferreira"),
    ("auditor", AUDITOR, "Aisha", "Karim"),
    ("admin", None, "Site", "Administrator"),
)


class Loader:
    """Plays each system's story through the services, as its real actors."""

    def __init__(self, users: dict[str, Any], today):
        self.users = users
        self.today = today
        self.handlers = {
            "triage": self.triage,
            "intake": self.gate,
            "release": self.gate,
            "resubmit": self.resubmit,
            "start_validation": self.start_validation,
            "component": self.component,
            "dataset": self.dataset,
            "test": self.test,
            "change": self.change,
            "review": self.review,
            "update": self.update,
            "retire": self.retire,
            "condition_met": self.condition_met,
            "classify": self.classify,
            "decide": self.decide,
        }

    def create(self, spec: dict[str, Any]) -> AISystem:
        owner = self.users[spec["owner"]]
        system = services.system_submit_intake(
            actor=owner,
            data=spec["data"],
            vendor=spec.get("vendor", ""),
            model_name=spec.get("model_name", ""),
        )
        for kind, payload in spec["steps"]:
            system = AISystem.objects.get(pk=system.pk)  # services lock and re-read
            self.handlers[kind](system, **payload)
        return AISystem.objects.get(pk=system.pk)

    def _owner(self, system: AISystem):
        return self.users_by_pk[system.owner_id]

    @property
    def users_by_pk(self) -> dict[int, Any]:
        return {u.pk: u for u in self.users.values()}

    def triage(self, system, reason: str = ""):
        services.system_transition(
            actor=self.users["officer"], system=system, action="start_triage", reason=reason
        )

    def gate(
        self,
        system,
        decision: str,
        by: str,
        comment: str = "",
        conditions: str = "",
        due_in_days: int = 90,
    ):
        """One approver decides; if the gate needs more approvals, the other approvers follow.
        Conditions are owned by the system's owner and due ``due_in_days`` from today."""
        stage = system.lifecycle_stage
        due = self.today + timedelta(days=due_in_days) if conditions else None
        others = [name for name in ("approver", "approver2") if name != by]
        for name in (by, *others):
            services.approval_decide(
                actor=self.users[name],
                system=system,
                decision=decision,
                comment=comment,
                conditions=conditions,
                conditions_due_on=due,
            )
            system = AISystem.objects.get(pk=system.pk)
            if decision not in Approval.APPROVING or system.lifecycle_stage != stage:
                return
        raise CommandError(
            f"'{system.name}': the gate needs more approvals than there are demo approvers."
        )

    def resubmit(self, system, reason: str = ""):
        services.system_transition(
            actor=self._owner(system), system=system, action="resubmit", reason=reason
        )

    def start_validation(self, system):
        services.system_transition(
            actor=self._owner(system),
            system=system,
            action="start_validation",
            reason="Development done: validation started",
        )

    def component(self, system, match: str = "", reason: str = "", **data):
        """The owner adds a component, or edits the one named ``match``; under change control
        the edit opens a change request (see ``decide``)."""
        record = (
            Component.objects.get(system=system, name=match) if match else Component(system=system)
        )
        services.child_edit(actor=self._owner(system), record=record, data=data, reason=reason)

    def dataset(self, system, reason: str = "", **data):
        services.child_edit(
            actor=self._owner(system), record=Dataset(system=system), data=data, reason=reason
        )

    def decide(self, system, material: bool, reason: str):
        """Whoever decides on the system's tier (an officer from medium up, else the owner)
        decides the materiality of the change the last edit proposed."""
        change = ChangeRequest.objects.filter(
            system=system, status=ChangeRequest.Status.PROPOSED
        ).latest("pk")
        decider = self.users["officer"] if services.officer_decides(system) else self._owner(system)
        services.change_request_decide(
            actor=decider, change=change, material=material, reason=reason
        )

    def test(self, system, days_ago: int, reviewed_by: str = "", review_note: str = "", **data):
        """The owner records a test; ``reviewed_by`` (not the owner) confirms its review."""
        record = services.validation_record_create(
            actor=self._owner(system),
            system=system,
            performed_on=self.today - timedelta(days=days_ago),
            **data,
        )
        if reviewed_by:
            services.validation_record_review(
                actor=self.users[reviewed_by], record=record, note=review_note
            )

    def change(self, system, **data):
        services.change_request_create(actor=self._owner(system), system=system, **data)

    def review(self, system, days: int, cadence: int):
        services.system_update(
            actor=self._owner(system),
            system=system,
            data={
                "review_cadence_months": cadence,
                "next_review_date": self.today + timedelta(days=days),
            },
            reason="Review cadence and next review date set after release",
        )

    def update(self, system, data: dict[str, Any], reason: str):
        services.system_update(actor=self._owner(system), system=system, data=data, reason=reason)

    def condition_met(self, system, note: str):
        """The owner of each open condition of the system marks it met."""
        for condition in ApprovalCondition.objects.filter(system=system, status="open"):
            services.condition_close(
                actor=self.users_by_pk[condition.owner_id],
                condition=condition,
                outcome="met",
                note=note,
            )

    def classify(self, system):
        """The risk app's demo classifies the systems loaded so far (this one included),
        before this one's release gate: the gate then checks its tier's requirements, as it
        would in real use (a first classification after release is a tier rise, which sends
        the system back to validation). Found by name, like the other apps' demos."""
        if importlib.util.find_spec("risk.demo") is not None:
            importlib.import_module("risk.demo").load(stdout=io.StringIO())

    def retire(self, system, reason: str):
        services.system_transition(
            actor=self._owner(system), system=system, action="retire", reason=reason
        )


def ensure_users(password: str) -> tuple[dict[str, Any], int]:
    """Create or correct the demo users; return them by username and how many were saved."""
    users, saved = {}, 0
    groups = {g.name: g for g in Group.objects.filter(name__in=[r for _, r, _, _ in DEMO_USERS])}
    for username, role, first_name, last_name in DEMO_USERS:
        if role is not None and role not in groups:
            raise CommandError(f"Group '{role}' is missing: run migrate (or sync_roles) first.")
        wanted = {
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@example.org",
            "is_active": True,
            "is_staff": role is None,
            "is_superuser": role is None,
        }
        user = User.objects.filter(username=username).first()
        changed = user is None
        if user is None:
            user = User(username=username)
        for field, value in wanted.items():
            if getattr(user, field) != value:
                setattr(user, field, value)
                changed = True
        if not user.has_usable_password() or not user.check_password(password):
            user.set_password(password)
            changed = True
        if changed:
            user.save()
            saved += 1
        want_groups = {groups[role].pk} if role else set()
        if set(user.groups.values_list("pk", flat=True)) != want_groups:
            user.groups.set(want_groups)
        users[username] = User.objects.get(pk=user.pk)  # fresh: no stale permission cache
    return users, saved


@contextmanager
def _quiet(logger_name: str):
    """Hide the INFO line eager Celery logs for each of the load's notification tasks."""
    logger = logging.getLogger(logger_name)
    previous = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(previous)


class Command(BaseCommand):
    help = (
        "Load demo users and a demo AI inventory through the services. Idempotent: existing "
        "demo systems (matched by name) are left alone. Passwords come from "
        "AIMS_DEMO_PASSWORD. Notification emails of the load are not sent."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Load even when AIMS_ENV=production (demo users have a shared password).",
        )
        parser.add_argument(
            "--url",
            default=BASE_URL,
            help="The address to print for the demo (`make run` passes its HOST and PORT).",
        )

    def handle(self, *args, **options):
        if getattr(settings, "PRODUCTION", False) and not options["allow_production"]:
            raise CommandError(
                "Refusing to load demo users with a shared password into production; pass "
                "--allow-production if you really mean it."
            )
        password = settings.AIMS_DEMO_PASSWORD
        if not password:
            raise CommandError("AIMS_DEMO_PASSWORD is empty.")
        # The load notifies officers, approvers and owners in-app, as the real flow does; the
        # emails of those notifications would only flood the console, so they stay in memory.
        with (
            override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"),
            _quiet("celery.app.trace"),
            transaction.atomic(),
        ):
            users, users_saved = ensure_users(password)
            loader = Loader(users, timezone.localdate())
            existing = set(
                AISystem.objects.filter(name__in=[s["data"]["name"] for s in SYSTEMS]).values_list(
                    "name", flat=True
                )
            )
            created = [
                loader.create(spec) for spec in SYSTEMS if spec["data"]["name"] not in existing
            ]
            self._load_other_apps()
            from inventory.vendor_changes import load_demo as load_vendor_demo

            load_vendor_demo(stdout=self.stdout)
            # Last: the trends' history counts the records every app has just loaded.
            from aims.trends.demo import load as load_trends_demo

            load_trends_demo(stdout=self.stdout)
        self._report(users, users_saved, created, len(existing), password, options["url"])

    def _load_other_apps(self) -> None:
        """Each app above the inventory may ship demo records in ``<app>/demo.py`` with an
        idempotent ``load(*, stdout)``; they are found by name, so the inventory imports none
        of them."""
        import importlib
        import importlib.util

        from django.apps import apps

        for config in apps.get_app_configs():
            if config.name == "inventory":
                continue
            if importlib.util.find_spec(f"{config.name}.demo") is None:
                continue
            importlib.import_module(f"{config.name}.demo").load(stdout=self.stdout)

    def _report(self, users, users_saved, created, skipped, password, url=BASE_URL):
        out = self.stdout
        out.write(
            f"Demo users: {len(users)} ({users_saved} created or updated). "
            f"AI systems: {len(created)} created, {skipped} already present."
        )
        for system in created:
            out.write(
                f"  {system.reference}  {system.get_lifecycle_stage_display():<32} {system.name}"
            )
        rows = [("username", "role", "password")]
        for username, role, _, _ in DEMO_USERS:
            rows.append((username, role or "Superuser (admin site)", password))
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        out.write("")
        out.write(self.style.MIGRATE_HEADING("Demo logins (password from AIMS_DEMO_PASSWORD):"))
        for i, row in enumerate(rows):
            out.write("  " + "  ".join(cell.ljust(widths[n]) for n, cell in enumerate(row)))
            if i == 0:
                out.write("  " + "  ".join("-" * w for w in widths))
        out.write("")
        out.write(f"Open {url} (python manage.py runserver).")
