"""Shared ground of the matrix and the battery: the URL walk, the history-tracked models, and
a lazily built "world" (users in each role, a target system at a chosen lifecycle stage and
the records under it), all made through the real services."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache, cached_property

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.db.models import Model
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient
from simple_history.manager import HistoryManager

from aims.evidence.services import evidence_create
from aims.models import Evidence, Notification
from aims.notifications.services import notify
from aims.roles import APPROVER, AUDITOR, OFFICER, OWNER
from inventory import services
from inventory.models import (
    AISystem,
    Approval,
    ChangeRequest,
    Component,
    Dataset,
    ValidationRecord,
)

from ..factories import PASSWORD, make_system, make_token, user_with_role

# --- The URL walk ---------------------------------------------------------------------------

# Django's admin is staff-only and tested on its own (non-staff role users are sent to the
# admin login); static and media files are not application URLs. SCIM (scim/v2/) answers only
# an identity provider's bearer token, never a role's session: its access is tested in
# tests/aims/scim/test_scim_access.py (no token, wrong token, an officer's session -> 401).
EXCLUDED_PREFIXES = (
    "admin/",
    "scim/v2/",
    # django-allauth's routes (third-party, with their own access rules: anonymous pages of the
    # sign-in flow, the signed-in user's own second factors). Their access is tested in
    # tests/aims/mfa/test_allauth_access.py. Our own accounts/ pages (login, logout, password,
    # password/done, the officers' MFA pages) are not under these prefixes and have rows.
    "accounts/inactive/",
    "accounts/signup/",
    "accounts/reauthenticate/",
    "accounts/email/",
    "accounts/confirm-email/",
    "accounts/^confirm-email/",
    "accounts/password/change/",
    "accounts/password/set/",
    "accounts/password/reset/",
    "accounts/^password/reset/",
    "accounts/login/code/",
    "accounts/2fa/",
    # Single sign-on (allauth.socialaccount): the providers' sign-in, callback, ACS, SLS and
    # metadata routes, and allauth's social-account pages (connections, signup, errors).
    # Their access is tested in tests/aims/sso/test_allauth_sso_access.py.
    "accounts/3rdparty/",
    "accounts/social/",
    "accounts/oidc/",
    "accounts/saml/",
    "accounts/^saml/",
)
# allauth's names for paths that our own routes answer first (aims/urls.py lists them before
# allauth's): no request reaches allauth's views there.
SHADOWED_NAMES = {"account_login", "account_logout"}


@dataclass(frozen=True)
class Route:
    route: str  # the full pattern, e.g. "systems/<int:pk>/edit/" or "api/v1/^systems/$"
    name: str | None  # "namespace:name"
    callback: object


def walk(patterns=None, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    """Every URL pattern of the project, with its full route and namespaced name."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else None
            yield Route(prefix + str(pattern.pattern), name, pattern.callback)


def application_routes() -> list[Route]:
    skip = list(EXCLUDED_PREFIXES)
    for url in (settings.STATIC_URL, getattr(settings, "MEDIA_URL", "")):
        if url and url.strip("/"):
            skip.append(url.lstrip("/"))
    return [
        r
        for r in walk()
        if not r.route.lstrip("^").startswith(tuple(skip)) and r.name not in SHADOWED_NAMES
    ]


def route_methods(route: Route) -> set[str]:
    """The HTTP methods a route's view answers (HEAD and OPTIONS aside); PUT counts as the
    method it aliases (PATCH in the API, POST in Django's form views)."""
    actions = getattr(route.callback, "actions", None)
    view_class = getattr(route.callback, "view_class", None) or getattr(route.callback, "cls", None)
    if actions:  # a DRF router route: {method: action}
        methods = set(actions) - {"head", "options"}
        api = True
    else:
        allowed = set(getattr(view_class, "http_method_names", ()))
        methods = {m for m in ("get", "post", "put", "patch", "delete") if hasattr(view_class, m)}
        methods &= allowed
        api = hasattr(view_class, "authentication_classes")
    if "put" in methods:
        methods.discard("put")
        methods.add("patch" if api else "post")
    return {m.upper() for m in methods}


# --- History-tracked models -----------------------------------------------------------------

DOMAIN_APPS = ("aims", "inventory", "risk", "suppliers", "incidents", "audits")


def history_tracked_models() -> list[type[Model]]:
    """Every model of the domain apps with a django-simple-history ``history`` manager."""
    return list(_history_tracked_models())


@cache
def _history_tracked_models() -> tuple[type[Model], ...]:
    # Reading ``model.history`` builds a new manager class each time (simple-history): the
    # walk is done once per process, not twice per matrix cell.
    found = []
    for label in DOMAIN_APPS:
        for model in apps.get_app_config(label).get_models():
            if isinstance(getattr(model, "history", None), HistoryManager):
                found.append(model)
    return tuple(found)


@cache
def _history_count_sql() -> str:
    quote = connection.ops.quote_name
    tables = sorted({model.history.model._meta.db_table for model in _history_tracked_models()})
    return "SELECT " + " + ".join(f"(SELECT COUNT(*) FROM {quote(t)})" for t in tables)


def history_row_count() -> int:
    """The number of history rows of every history-tracked model, in one query."""
    with connection.cursor() as cursor:
        cursor.execute(_history_count_sql())
        return cursor.fetchone()[0]


# --- The world ------------------------------------------------------------------------------

ROLES = ("anonymous", "nobody", "owner", "other_owner", "officer", "approver", "auditor")
STAGES = ("intake_submitted", "in_triage", "approved_for_development", "in_validation", "deployed")
TARGET_NAME = "Matrix target system"
OTHER_NAME = "Someone else's system"


class World:
    """Users and records for one test, created on first use only.

    ``system`` belongs to ``owner`` and is brought to ``stage`` through the services;
    ``other_owner`` is a system owner with a system of their own, acting on ``system``.
    """

    def __init__(self, role: str, stage: str = "approved_for_development"):
        assert role in ROLES, role
        self.role = role
        self.stage = stage

    # Users
    @cached_property
    def owner(self):
        return user_with_role(OWNER, username="m_owner")

    @cached_property
    def officer(self):
        return user_with_role(OFFICER, username="m_officer")

    @cached_property
    def approver(self):
        return user_with_role(APPROVER, username="m_approver")

    @cached_property
    def auditor(self):
        return user_with_role(AUDITOR, username="m_auditor")

    @cached_property
    def nobody(self):
        return user_with_role(None, username="m_nobody")

    @cached_property
    def other_owner(self):
        user = user_with_role(OWNER, username="m_owner2")
        make_system(user, name=OTHER_NAME)
        return user

    @cached_property
    def actor(self):
        return None if self.role == "anonymous" else getattr(self, self.role)

    def prepare(self, *, system: bool = False) -> "World":
        """Create the acting user (and the target system) before anything is counted."""
        _ = self.actor
        if system:
            _ = self.system
        return self

    def once(self, key: str, make):
        """The record ``make`` builds, built on the first call for ``key`` only (the cases
        modules keep their own records on the world this way)."""
        if key not in self.__dict__:
            self.__dict__[key] = make()
        return self.__dict__[key]

    @property
    def person(self):
        """The acting user, or for an anonymous request the owner (whose data must not move)."""
        return self.actor or self.owner

    # The target system and its records
    @cached_property
    def system(self) -> AISystem:
        system = make_system(self.owner, name=TARGET_NAME)
        steps = STAGES[1 : STAGES.index(self.stage) + 1]
        for step in steps:
            if step == "in_triage":
                services.system_transition(actor=self.officer, system=system, action="start_triage")
            elif step == "approved_for_development":
                services.approval_decide(actor=self.approver, system=system, decision="approve")
            elif step == "in_validation":
                services.system_transition(
                    actor=self.owner, system=system, action="start_validation"
                )
            elif step == "deployed":
                self.record_validation(system)
                services.approval_decide(actor=self.approver, system=system, decision="approve")
        system.refresh_from_db()
        assert system.lifecycle_stage == self.stage
        return system

    def record_validation(self, system: AISystem) -> ValidationRecord:
        return services.validation_record_create(
            actor=self.owner,
            system=system,
            test_type="accuracy",
            title="Holdout accuracy",
            method="500 labelled examples; precision@10 >= 0.8",
            result="pass",
            performed_on=date(2026, 1, 15),
        )

    def refreshed_system(self) -> AISystem:
        return AISystem.objects.get(pk=self.system.pk)

    def add_component(self, actor, data: dict) -> Component:
        """A component of the world's system, added by ``actor`` through the services."""
        return self.add_child(Component, actor, data)

    def add_child(self, model, actor, data: dict):
        """A component or dataset of the world's system, added by ``actor`` through the
        services. Under change control (from the intake gate on) the addition is a change
        request: the officer records it as not material (a dependency the system already
        uses), which creates the record."""
        edited = services.child_edit(actor=actor, record=model(system=self.system), data=data)
        if edited.change is None:
            return edited.record
        change = services.change_request_decide(
            actor=self.officer,
            change=edited.change,
            material=False,
            reason="Records a dependency the system already uses",
        )
        return model.objects.get(pk=change.target_id)

    @cached_property
    def component(self) -> Component:
        return self.add_child(Component, self.owner, {"name": "Ranker"})

    @cached_property
    def dataset(self) -> Dataset:
        return self.add_child(Dataset, self.owner, {"name": "CV corpus", "source": "ATS export"})

    @cached_property
    def validation(self) -> ValidationRecord:
        existing = ValidationRecord.objects.filter(system=self.system).first()
        return existing or self.record_validation(self.system)

    @cached_property
    def approval(self) -> Approval:
        approval = Approval.objects.filter(system=self.system).first()
        assert approval is not None, f"no approval yet at stage {self.stage}"
        return approval

    @cached_property
    def condition(self):
        """An open condition of the system's intake approval, owned by the system's owner."""
        from inventory.models import ApprovalCondition
        from inventory.services.conditions import ConditionSpec, conditions_create

        (condition,) = conditions_create(
            actor=self.approver,
            approval=self.approval,
            specs=[ConditionSpec("Matrix condition", date(2099, 1, 31), self.owner)],
        )
        return ApprovalCondition.objects.get(pk=condition.pk)

    @cached_property
    def change_request(self) -> ChangeRequest:
        return services.change_request_create(
            actor=self.owner,
            system=self.system,
            kind="prompt_change",
            title="Typo in the prompt",
            description="Fix a typo",
            is_material=False,
        )

    @cached_property
    def proposed_change(self) -> ChangeRequest:
        """A change request opened by an edit of the system's purpose (change control)."""
        return services.system_edit(
            actor=self.owner, system=self.system, data={"purpose": "Matrix purpose"}
        ).change

    @cached_property
    def evidence(self) -> Evidence:
        return evidence_create(
            actor=self.owner,
            target=self.system,
            title="Matrix evidence file",
            file=SimpleUploadedFile("dpia.pdf", b"%PDF-1.4 matrix evidence", "application/pdf"),
        )

    @cached_property
    def notification(self) -> Notification:
        """A notification of the system owner (notifications are personal)."""
        (pk,) = notify(recipients=[self.owner], title="Matrix notice for the owner")
        return Notification.objects.get(pk=pk)

    def give_person_a_notification(self) -> None:
        notify(recipients=[self.person], title="Matrix notice")

    def unread(self) -> int:
        return Notification.objects.filter(recipient=self.person, read_at__isnull=True).count()

    # Clients
    def html_client(self) -> Client:
        client = Client()
        if self.actor is not None:
            client.force_login(self.actor)
        return client

    def api_client(self) -> APIClient:
        client = APIClient()
        if self.actor is not None:
            client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(self.actor)}")
        return client


# --- One world per stage, shared by the cells of the role matrix ------------------------------

# The users every world may need, in the order World builds them; with the target system they
# are what a matrix cell's world starts from.
BASE_USERS = ("owner", "officer", "approver", "auditor", "nobody", "other_owner")


class SharedWorlds:
    """The users and the target system of one stage's world, built once through the services
    inside a transaction that is held open while the cells run: each cell runs in a savepoint
    inside it (pytest-django's own per-test transaction) that is rolled back after the cell,
    so every cell starts from the same fresh, unmodified world. Another stage's world replaces
    it (the transaction is rolled back first); so does the end of the test module."""

    def __init__(self) -> None:
        self.stage: str | None = None
        self.records: dict[str, int] = {}
        self._atomic = None

    def enter(self, stage: str) -> None:
        """Make ``stage``'s world the shared one, built if needed. Call it outside any test's
        transaction."""
        if stage != self.stage:
            self.close()
            self._atomic = transaction.atomic()
            self._atomic.__enter__()
            try:
                world = World("officer", stage)
                self.records = {name: getattr(world, name).pk for name in BASE_USERS}
                self.records["system"] = world.system.pk
            except BaseException:
                self.close()
                raise
            self.stage = stage

    def close(self) -> None:
        if self._atomic is not None:
            atomic, self._atomic, self.stage, self.records = self._atomic, None, None, {}
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)

    def world(self, role: str) -> World:
        """A World for ``role`` on the shared records, with instances of its own (read afresh
        inside the cell's transaction: no cached attribute or permission leaks between cells)."""
        assert self.stage is not None, "enter() a stage first"
        world = World(role, self.stage)
        users = get_user_model().objects.in_bulk([self.records[name] for name in BASE_USERS])
        for name in BASE_USERS:
            world.__dict__[name] = users[self.records[name]]
        world.__dict__["system"] = AISystem.objects.get(pk=self.records["system"])
        return world


__all__ = [
    "PASSWORD",
    "ROLES",
    "TARGET_NAME",
    "SharedWorlds",
    "World",
    "application_routes",
    "walk",
]
