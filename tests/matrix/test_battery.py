"""The shared battery of every history-tracked domain model.

For each model in BATTERY (a model -> how to create it through its service and its API):

(a) a create through the service, and one through the API, writes history rows whose
    history_user is the acting user and whose change reason is not empty;
(b) bad input to its API create endpoint answers 400 in the one error shape
    {"message", "code", "extra": {"fields": ...}} and saves nothing;
(c) no API route or admin path rewrites history: revert is disabled, historical models are
    not in the admin, no API route serves them or writes to a history path, and the admin's
    history form refuses a POST;
(d) a meta-test fails when a history-tracked model has no entry in BATTERY.
"""

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Max, Model
from django.test import Client, RequestFactory
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import HistoricalChanges

from aims.evidence.services import evidence_create
from aims.models import Evidence
from aims.roles import AUDITOR
from inventory import services
from inventory.models import (
    AISystem,
    Approval,
    ApprovalCondition,
    ChangeRequest,
    Component,
    Dataset,
    GateSetting,
    ValidationRecord,
)

from ..factories import INTAKE_DATA, make_system, user_with_role
from .battery_framework import Entry, Request, api, by_id, pdf
from .world import World, application_routes, history_tracked_models

pytestmark = pytest.mark.django_db
User = get_user_model()

VALIDATION = {
    "test_type": "bias",
    "title": "Battery bias test",
    "method": "Parity on 500 cases",
    "result": "pass",
    "performed_on": "2026-02-01",
}


BATTERY: dict[type[Model], Entry] = {
    AISystem: Entry(
        actor="owner",
        stage="intake_submitted",
        create=lambda w: make_system(w.owner, name="Battery system"),
        api_create=lambda w: ("post", api("system-list"), {**INTAKE_DATA}, "json"),
        api_bad=lambda w: ("post", api("system-list"), {"name": "", "business_unit": "x"}, "json"),
        api_result=by_id(AISystem),
    ),
    # Recorded in place before the intake gate (after it, adding one is a change request).
    Component: Entry(
        actor="owner",
        stage="intake_submitted",
        create=lambda w: services.child_save(
            actor=w.owner, record=Component(system=w.system), data={"name": "Battery model"}
        ),
        api_create=lambda w: (
            "post",
            api("component-list"),
            {"system": w.system.pk, "name": "Battery model"},
            "json",
        ),
        api_bad=lambda w: ("post", api("component-list"), {"system": w.system.pk}, "json"),
        api_result=by_id(Component),
    ),
    # Recorded in place before the intake gate (after it, adding one is a change request).
    Dataset: Entry(
        actor="owner",
        stage="intake_submitted",
        create=lambda w: services.child_save(
            actor=w.owner,
            record=Dataset(system=w.system),
            data={"name": "Battery data", "source": "Export"},
        ),
        api_create=lambda w: (
            "post",
            api("dataset-list"),
            {"system": w.system.pk, "name": "Battery data", "source": "Export"},
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("dataset-list"),
            {"system": w.system.pk, "name": "x", "use": "nonsense"},
            "json",
        ),
        api_result=by_id(Dataset),
    ),
    ApprovalCondition: Entry(
        actor="approver",
        stage="in_triage",
        # Conditions are created by an approval with conditions, not a create of their own.
        create=lambda w: services.approval_decide(
            actor=w.approver,
            system=w.system,
            decision="approve_with_conditions",
            conditions="Monthly bias report",
            conditions_due_on=date(2099, 1, 31),
        ).condition_records.get(),
        api_create=lambda w: (
            "post",
            api("system-decide", w.system.pk),
            {
                "decision": "approve_with_conditions",
                "conditions": [{"text": "Monthly bias report", "due_on": "2099-01-31"}],
            },
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("system-decide", w.system.pk),
            {"decision": "approve_with_conditions", "conditions": [{"text": "No date"}]},
            "json",
        ),
        api_result=lambda body: ApprovalCondition.objects.get(pk=body["condition_records"][0]),
    ),
    ValidationRecord: Entry(
        actor="owner",
        stage="in_validation",
        create=lambda w: services.validation_record_create(
            actor=w.owner,
            system=w.system,
            **{**VALIDATION, "performed_on": date(2026, 2, 1)},
        ),
        api_create=lambda w: (
            "post",
            api("validationrecord-list"),
            {"system": w.system.pk, **VALIDATION, "evidence_file": pdf()},
            "multipart",
        ),
        api_bad=lambda w: (
            "post",
            api("validationrecord-list"),
            {"system": w.system.pk, **VALIDATION, "result": "maybe"},
            "json",
        ),
        api_result=by_id(ValidationRecord),
    ),
    ChangeRequest: Entry(
        actor="owner",
        stage="deployed",
        create=lambda w: services.change_request_create(
            actor=w.owner,
            system=w.system,
            kind="model_update",
            title="Battery change",
            description="New model version",
        ),
        api_create=lambda w: (
            "post",
            api("changerequest-list"),
            {
                "system": w.system.pk,
                "kind": "model_update",
                "title": "Battery change",
                "description": "New model version",
            },
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("changerequest-list"),
            {"system": w.system.pk, "kind": "rewrite_everything"},
            "json",
        ),
        api_result=by_id(ChangeRequest),
    ),
    Approval: Entry(
        actor="approver",
        stage="in_triage",
        create=lambda w: services.approval_decide(
            actor=w.approver, system=w.system, decision="approve"
        ),
        # Decisions are created by the gate action, not a generic create.
        api_create=lambda w: (
            "post",
            api("system-decide", w.system.pk),
            {
                "decision": "approve_with_conditions",
                "conditions": "Monthly bias report",
                "conditions_due_on": "2099-01-31",
            },
            "json",
        ),
        api_bad=lambda w: ("post", api("system-decide", w.system.pk), {"decision": "x"}, "json"),
        api_result=by_id(Approval),
    ),
    GateSetting: Entry(
        actor="officer",
        stage="intake_submitted",
        # Gate settings are seeded, one per gate: "create" is their one write, the update.
        create=lambda w: services.gate_setting_update(
            actor=w.officer, gate="release", required_approvals=2
        ),
        api_create=lambda w: (
            "patch",
            api("gatesetting-detail", "release"),
            {"required_approvals": 3},
            "json",
        ),
        api_bad=lambda w: (
            "patch",
            api("gatesetting-detail", "release"),
            {"required_approvals": 0},
            "json",
        ),
        api_result=lambda body: GateSetting.objects.get(gate=body["gate"]),
    ),
    Evidence: Entry(
        actor="owner",
        stage="approved_for_development",
        create=lambda w: evidence_create(
            actor=w.owner, target=w.system, title="Battery evidence", file=pdf()
        ),
        api_create=lambda w: (
            "post",
            api("evidence-list"),
            {
                "target_type": "inventory.aisystem",
                "target_id": w.system.pk,
                "title": "Battery evidence",
                "file": pdf(),
            },
            "multipart",
        ),
        api_bad=lambda w: (
            "post",
            api("evidence-list"),
            {"target_type": "inventory.aisystem", "target_id": w.system.pk},
            "json",
        ),
        api_result=by_id(Evidence),
    ),
}


def label(model: type[Model]) -> str:
    return model._meta.label


def _app_entries() -> dict:
    """The entries other apps declare in tests/matrix/battery_<app>.py."""
    import importlib
    import pkgutil
    from pathlib import Path

    found = {}
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.startswith("battery_") and module.name != "battery_framework":
            found.update(importlib.import_module(f"{__package__}.{module.name}").BATTERY)
    return found


BATTERY.update(_app_entries())
MODELS = list(BATTERY)


def prepared(model: type[Model]) -> tuple[World, Entry]:
    entry = BATTERY[model]
    world = World(entry.actor, entry.stage).prepare(system=True)
    return world, entry


def history_marks() -> dict[type[Model], int]:
    marks = {}
    for model in history_tracked_models():
        marks[model] = model.history.aggregate(top=Max("history_id"))["top"] or 0
    return marks


def rows_since(marks: dict[type[Model], int]) -> list:
    return [row for model, top in marks.items() for row in model.history.filter(history_id__gt=top)]


def send(world: World, request: Request):
    method, url, payload, fmt = request
    return getattr(world.api_client(), method)(url, payload, format=fmt)


def assert_history_by(rows, actor, instance: Model) -> None:
    assert rows, "the write left no history"
    for row in rows:
        assert row.history_user_id == actor.pk, (row, row.history_user)
        assert (row.history_change_reason or "").strip(), f"{row!r} has no change reason"
    mine = [r for r in rows if type(r.instance) is type(instance) and r.instance.pk == instance.pk]
    assert mine, f"no history row for {instance!r} itself"


# --- (a) history: who and why ---------------------------------------------------------------


@pytest.mark.parametrize("model", MODELS, ids=label)
def test_service_write_records_who_and_why(model):
    world, entry = prepared(model)
    marks = history_marks()
    instance = entry.create(world)
    assert isinstance(instance, model)
    assert_history_by(rows_since(marks), world.actor, instance)


@pytest.mark.parametrize("model", MODELS, ids=label)
def test_api_write_records_who_and_why(model):
    world, entry = prepared(model)
    marks = history_marks()
    response = send(world, entry.api_create(world))
    assert response.status_code in (200, 201), response.content
    instance = entry.api_result(response.json())
    assert_history_by(rows_since(marks), world.actor, instance)


# --- (b) bad input: 400 in the one error shape, nothing saved -------------------------------


@pytest.mark.parametrize("model", MODELS, ids=label)
def test_api_bad_input_is_400_and_saves_nothing(model):
    world, entry = prepared(model)
    count = model.objects.count()
    marks = history_marks()
    response = send(world, entry.api_bad(world))
    assert response.status_code == 400, response.content
    body = response.json()
    assert set(body) == {"message", "code", "extra"}
    assert body["code"] == "invalid" and body["message"]
    assert isinstance(body["extra"].get("fields"), dict) and body["extra"]["fields"]
    assert model.objects.count() == count
    assert rows_since(marks) == []


# --- (c) history is append-only -------------------------------------------------------------


def test_revert_is_disabled(settings):
    assert settings.SIMPLE_HISTORY_REVERT_DISABLED is True


@pytest.mark.parametrize("model", MODELS, ids=label)
def test_admin_shows_history_but_never_registers_historical_models(model):
    model_admin = admin.site._registry.get(model)
    assert isinstance(model_admin, SimpleHistoryAdmin), f"{label(model)}: no history admin"
    assert model.history.model not in admin.site._registry
    assert model_admin.has_delete_permission(RequestFactory().get("/")) is False


def test_no_historical_model_in_the_admin():
    historical = [m for m in admin.site._registry if issubclass(m, HistoricalChanges)]
    assert historical == []


def test_history_routes_are_read_only():
    """Every URL serving history answers GET only, in the UI and the API alike."""
    from .world import route_methods

    for route in application_routes():
        if "history" in route.route or "history" in (route.name or ""):
            assert route_methods(route) == {"GET"}, route


def test_no_api_route_serves_a_historical_model():
    for route in application_routes():
        viewset = getattr(route.callback, "cls", None)
        for attr in ("serializer_class", "read_serializer_class", "write_serializer_class"):
            serializer = getattr(viewset, attr, None)
            meta = getattr(serializer, "Meta", None)
            target = getattr(meta, "model", None)
            assert target is None or not issubclass(target, HistoricalChanges), (route, attr)


def admin_form_data(model_admin, user, obj) -> dict:
    """What the admin's form would post for ``obj`` (as the revert button would)."""
    request = RequestFactory().get("/")
    request.user = user
    form = model_admin.get_form(request, obj)(instance=obj)
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            data[name] = ""
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = str(value)
    return data


def post_history_form(user, model: type[Model], instance: Model):
    model_admin = admin.site._registry[model]
    version = model.history.filter(**{model._meta.pk.attname: instance.pk}).earliest()
    meta = model._meta
    url = reverse(
        f"admin:{meta.app_label}_{meta.model_name}_simple_history",
        args=[instance.pk, version.history_id],
    )
    client = Client()
    client.force_login(user)
    assert client.get(url).status_code == 200  # reading history in the admin is fine
    return client.post(url, admin_form_data(model_admin, user, version.instance))


# The admin forms of URL fields warn about Django 6's https default: not this test's subject.
@pytest.mark.filterwarnings("ignore::django.utils.deprecation.RemovedInDjango60Warning")
@pytest.mark.parametrize(
    "model",
    MODELS,
    ids=label,
)
def test_admin_history_form_refuses_a_revert(model):
    world, entry = prepared(model)
    instance = entry.create(world)
    superuser = User.objects.create_superuser("battery_admin", "admin@example.org", "x")
    before = model.history.count()
    response = post_history_form(superuser, model, instance)
    assert model.history.count() == before, f"the admin saved a revert ({response.status_code})"
    assert response.status_code == 403


def test_view_only_staff_cannot_write_through_the_history_form():
    owner = user_with_role("System owner", username="battery_owner")
    system = make_system(owner, name="Original name")
    services.system_update(actor=owner, system=system, data={"name": "Current name"})
    auditor = user_with_role(AUDITOR, username="battery_auditor", is_staff=True)
    response = post_history_form(auditor, AISystem, system)
    system.refresh_from_db()
    assert system.name == "Current name", "a read-only auditor reverted a system"
    assert response.status_code == 403


# --- (d) meta: every history-tracked model is in the battery --------------------------------


# History-tracked models that no page or API writes (configured in the admin only), with where
# their history is tested instead: the battery drives pages and the API.
ADMIN_ONLY = {
    "aims.RoleMapping": "SSO claim-to-role mappings, edited in the admin only; their history "
    "is tested in tests/aims/sso/test_role_mapping.py",
}


def test_every_history_tracked_model_is_in_the_battery():
    tracked = set(history_tracked_models())
    assert tracked, "discovery found no history-tracked model"
    assert set(ADMIN_ONLY) <= {label(m) for m in tracked}, "stale ADMIN_ONLY entry"
    missing = sorted(label(m) for m in tracked - set(BATTERY) if label(m) not in ADMIN_ONLY)
    stale = sorted(label(m) for m in set(BATTERY) - tracked)
    assert not missing, f"history-tracked models without a battery entry: {missing}"
    assert not stale, f"battery entries for models no longer tracked: {stale}"
