"""The role x action matrix: every URL of the project, as every role, with the outcome
DESIGN.md promises.

Roles (columns): anonymous; nobody (logged in, no role); owner (on their own system);
other_owner (a system owner acting on someone else's system); officer; approver; auditor.

Outcome classes: "ok" (2xx, or a redirect that is not to the login page), "login" (302 to
/accounts/login/?next=...), "401" (API, anonymous, with "WWW-Authenticate: Token"), "403",
"404" (the record is outside the user's reach: nothing leaks), "400"/"409" (the business
rule, not the permission, refuses), "405".

Every write is checked in the database: an "ok" cell must change what the action changes,
any other cell must change nothing (no history row written either). Reads write nothing.

Meta-tests make the table complete: a URL name without an entry, an entry for a URL that no
longer exists, or an HTTP method a view answers without an entry, fails the build.
"""

import importlib
import pkgutil
from pathlib import Path

import pytest
from django.urls import reverse

from inventory.models import Approval, ChangeRequest, Component, Dataset
from inventory.models import ValidationRecord as Validation

from .cases_incidents import show_capa, show_incident  # registers
from .cases_risk import risk_marker  # registers
from .cases_suppliers import SUP_READ, notice, supplier  # registers
from .framework import *  # the shared vocabulary of every cases module
from .world import (
    PASSWORD,
    TARGET_NAME,
    SharedWorlds,
    application_routes,
    history_row_count,
    route_methods,
)

# No module-wide django_db mark: a cell's transaction is opened by its fixture, inside the
# shared world's (see shared_worlds below).

# fmt: off
#                    anonymous nobody owner other_owner officer approver auditor
REVIEW     = expect("login    404    403   404         ok      ok       403")
MEET       = expect("login    404    ok    404         403     403      403")
API_REVIEW = expect("401      403    403   404         ok      ok       403")
API_MEET   = expect("401      404    ok    404         403     403      403")
API_WAIVE  = expect("401      404    403   404         ok      403      403")
# fmt: on

# Components and datasets are added, removed or have their model edited in place only before
# the intake gate (change control, inventory/services/changes.py).
BEFORE_GATE = {"stage": "intake_submitted"}

CASES: list[Case] = [
    # --- accounts --------------------------------------------------------------------------
    Case("login", "GET", PUBLIC),
    Case(
        "login",
        "POST",
        PUBLIC,
        data=lambda w: {"username": w.person.username, "password": PASSWORD},
        check=lands_on(reverse("aims:dashboard")),
    ),
    Case("logout", "POST", PUBLIC, check=lands_on(LOGIN_URL)),
    Case("password_change", "GET", LOGGED_IN),
    Case(
        "password_change",
        "POST",
        LOGGED_IN,
        data=lambda w: {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        effect=password_hash,
    ),
    Case("password_change_done", "GET", LOGGED_IN),
    # --- aims --------------------------------------------------------------------------------
    Case("aims:dashboard", "GET", LOGGED_IN),
    Case("aims:notification_list", "GET", LOGGED_IN),
    Case(
        "aims:notification_list",
        "POST",
        LOGGED_IN,
        data=lambda w: {},
        setup=World.give_person_a_notification,
        effect=World.unread,
    ),
    Case("aims:evidence_download", "GET", SYSTEM_READ, kwargs=pk_of("evidence"),
         check=is_evidence_file),
    Case("aims:evidence_attach", "GET", SYSTEM_CHANGE,
         kwargs=lambda w: {"label": "inventory.aisystem", "pk": w.system.pk}),
    Case(
        "aims:evidence_attach",
        "POST",
        SYSTEM_CHANGE,
        kwargs=lambda w: {"label": "inventory.aisystem", "pk": w.system.pk},
        data=lambda w: {"title": "Matrix link", "url": "https://example.org/matrix"},
        effect=evidence_on_system,
    ),
    # --- inventory pages ---------------------------------------------------------------------
    Case("inventory:system_list", "GET", LOGGED_IN, marker=shows_system),
    Case("inventory:system_export", "GET", LOGGED_IN, marker=shows_system),
    Case("inventory:system_export_xlsx", "GET", LOGGED_IN),
    # --- registers: CSV and XLSX exports of the registers people work in -------------------
    # (an XLSX file is zipped, so only the CSV can be searched for the marker)
    Case("risk:register_export_xlsx", "GET", LOGGED_IN, setup=risk_marker),
    Case("incidents:incident_export", "GET", LOGGED_IN, marker=show_incident),
    Case("incidents:incident_export_xlsx", "GET", LOGGED_IN, setup=show_incident),
    Case("capa:capa_export", "GET", LOGGED_IN, marker=show_capa),
    Case("capa:capa_export_xlsx", "GET", LOGGED_IN, setup=show_capa),
    Case("evidence:evidence_export", "GET", LOGGED_IN, setup=lambda w: w.evidence),
    Case("evidence:evidence_export_xlsx", "GET", LOGGED_IN, setup=lambda w: w.evidence),
    Case("suppliers:supplier_export_xlsx", "GET", SUP_READ, setup=supplier),
    Case("suppliers:notice_export", "GET", SUP_READ, setup=notice),
    Case("suppliers:notice_export_xlsx", "GET", SUP_READ, setup=notice),
    Case("inventory:system_intake", "GET", INTAKE),
    Case("inventory:system_intake", "POST", INTAKE, data=lambda w: HTML_INTAKE,
         effect=lambda w: AISystem.objects.filter(name="Matrix intake").count()),
    Case("inventory:gate_settings", "GET", GATES_READ),
    Case("inventory:gate_settings", "POST", GATES_WRITE, effect=gate_values,
         data=lambda w: {"intake-required_approvals": 2, "release-required_approvals": 2}),
    Case("inventory:system_detail", "GET", SYSTEM_READ, kwargs=system_pk),
    *tab_cases(),
    Case("inventory:system_edit", "GET", SYSTEM_CHANGE, kwargs=system_pk),
    Case(
        "inventory:system_edit",
        "POST",
        SYSTEM_CHANGE,
        kwargs=system_pk,
        data=lambda w: html_form(
            name="Renamed by the matrix", review_cadence_months=12, owner=w.owner.pk
        ),
        effect=system_field("name"),
    ),
    Case(
        "inventory:system_transition",
        "POST",
        SYSTEM_CHANGE,
        variant="start_validation",
        kwargs=lambda w: {"pk": w.system.pk, "action": "start_validation"},
        data=lambda w: {},
        effect=system_field("lifecycle_stage"),
    ),
    Case(
        "inventory:system_transition",
        "POST",
        TRIAGE,
        variant="start_triage",
        stage="intake_submitted",
        kwargs=lambda w: {"pk": w.system.pk, "action": "start_triage"},
        data=lambda w: {},
        effect=system_field("lifecycle_stage"),
    ),
    Case(
        "inventory:approval_decide",
        "GET",
        DECIDE,
        stage="in_triage",
        kwargs=system_pk,
    ),
    Case("inventory:approval_decide", "POST", DECIDE, stage="in_triage", kwargs=system_pk,
         data=lambda w: {"decision": "approve"}, effect=count(Approval)),
    # --- decision page and triage with substance (issue 15) ----------------------------------
    Case("inventory:system_triage", "GET", TRIAGE, stage="intake_submitted", kwargs=system_pk),
    Case("inventory:system_triage", "POST", TRIAGE, stage="intake_submitted", kwargs=system_pk,
         data=lambda w: {"assignee": w.officer.pk, "target_date": "2099-01-31",
                         "notes": "Check the data sources first."},
         effect=system_field("lifecycle_stage")),
    Case("inventory:component_add", "GET", SYSTEM_CHANGE, kwargs=system_pk),
    # Adding or removing a component or dataset (or editing its model, version...) is done in
    # place before the intake gate; after it, it is a change request (tests/bypass).
    Case("inventory:component_add", "POST", SYSTEM_CHANGE, **BEFORE_GATE, kwargs=system_pk,
         data=lambda w: HTML_COMPONENT, effect=count(Component)),
    Case("inventory:component_edit", "GET", SYSTEM_CHANGE, kwargs=system_child("component")),
    Case("inventory:component_edit", "POST", SYSTEM_CHANGE, kwargs=system_child("component"),
         data=lambda w: {**HTML_COMPONENT, "name": "Renamed"}, effect=value("component", "name")),
    Case("inventory:component_delete", "GET", SYSTEM_CHANGE, kwargs=system_child("component")),
    Case("inventory:component_delete", "POST", SYSTEM_CHANGE, **BEFORE_GATE,
         kwargs=system_child("component"),
         data=lambda w: {}, effect=exists("component")),
    Case("inventory:dataset_add", "GET", SYSTEM_CHANGE, kwargs=system_pk),
    Case("inventory:dataset_add", "POST", SYSTEM_CHANGE, **BEFORE_GATE, kwargs=system_pk,
         data=lambda w: HTML_DATASET, effect=count(Dataset)),
    Case("inventory:dataset_edit", "GET", SYSTEM_CHANGE, kwargs=system_child("dataset")),
    Case("inventory:dataset_edit", "POST", SYSTEM_CHANGE, kwargs=system_child("dataset"),
         data=lambda w: {**HTML_DATASET, "licence": "CC-BY"}, effect=value("dataset", "licence")),
    Case("inventory:dataset_delete", "GET", SYSTEM_CHANGE, kwargs=system_child("dataset")),
    Case("inventory:dataset_delete", "POST", SYSTEM_CHANGE, **BEFORE_GATE,
         kwargs=system_child("dataset"),
         data=lambda w: {}, effect=exists("dataset")),
    Case("inventory:validation_add", "GET", SYSTEM_CHANGE, kwargs=system_pk),
    Case("inventory:validation_add", "POST", SYSTEM_CHANGE, kwargs=system_pk,
         data=lambda w: VALIDATION, effect=count(Validation)),
    Case("inventory:validation_review", "GET", REVIEW, kwargs=system_child("validation")),
    Case("inventory:validation_review", "POST", REVIEW, kwargs=system_child("validation"),
         data=lambda w: {"note": "Matrix review"}, effect=value("validation", "reviewed_by_id")),
    Case("inventory:condition_met", "GET", MEET, kwargs=system_child("condition")),
    Case("inventory:condition_met", "POST", MEET, kwargs=system_child("condition"),
         data=lambda w: {"note": "Matrix met"}, effect=value("condition", "status")),
    Case("inventory:condition_waive", "GET", TRIAGE, kwargs=system_child("condition")),
    Case("inventory:condition_waive", "POST", TRIAGE, kwargs=system_child("condition"),
         data=lambda w: {"note": "Matrix waived"}, effect=value("condition", "status")),
    Case("inventory:change_request_add", "GET", SYSTEM_CHANGE, stage="deployed",
         kwargs=system_pk),
    Case("inventory:change_request_add", "POST", SYSTEM_CHANGE, stage="deployed",
         kwargs=system_pk, data=lambda w: CHANGE, effect=count(ChangeRequest)),
    # The world's system is not classified: its owner may decide materiality (on a medium or
    # high tier only an officer may: tests/bypass/test_change_control.py).
    Case("inventory:change_request_decide", "GET", SYSTEM_CHANGE, stage="deployed",
         kwargs=system_child("proposed_change")),
    Case("inventory:change_request_decide", "POST", SYSTEM_CHANGE, stage="deployed",
         kwargs=system_child("proposed_change"),
         data=lambda w: {"material": "no", "reason": "Wording only"},
         effect=value("proposed_change", "status")),
    # --- API: authentication and the acting user ---------------------------------------------
    Case("api:token", "POST", API_PUBLIC, check=returns_own_token,
         data=lambda w: {"username": w.person.username, "password": PASSWORD}),
    Case("api:me", "GET", API_LOGGED_IN, check=is_me),
    Case("schema", "GET", API_LOGGED_IN),
    Case("api-docs", "GET", API_LOGGED_IN),
    # --- API: notifications ------------------------------------------------------------------
    Case("api:notification-list", "GET", API_LOGGED_IN),
    Case("api:notification-detail", "GET", API_OWN_NOTIFICATION, kwargs=pk_of("notification")),
    Case("api:notification-mark-read", "POST", API_LOGGED_IN, data=lambda w: {},
         setup=World.give_person_a_notification, effect=World.unread),
    # --- API: systems ------------------------------------------------------------------------
    Case("api:system-list", "GET", API_LOGGED_IN, marker=shows_system),
    Case("api:system-list", "POST", API_INTAKE,
         data=lambda w: {**INTAKE_DATA, "name": "Matrix intake"},
         effect=lambda w: AISystem.objects.filter(name="Matrix intake").count()),
    Case("api:system-detail", "GET", API_SYSTEM_READ, kwargs=system_pk),
    Case("api:system-detail", "PATCH", API_SYSTEM_CHANGE, kwargs=system_pk,
         data=lambda w: {"known_risks": "Matrix drift"}, effect=system_field("known_risks")),
    Case("api:system-detail", "DELETE", API_NEVER_DELETED, kwargs=system_pk,
         effect=lambda w: AISystem.objects.filter(pk=w.system.pk).exists()),
    Case("api:system-history", "GET", API_SYSTEM_READ, kwargs=system_pk),
    Case("api:system-release-blockers", "GET", API_SYSTEM_READ, kwargs=system_pk),
    Case("api:system-decide", "POST", API_DECIDE, stage="in_triage", kwargs=system_pk,
         data=lambda w: {"decision": "approve"}, effect=count(Approval)),
    Case("api:system-transition", "POST", API_SYSTEM_CHANGE, variant="start_validation",
         kwargs=system_pk, data=lambda w: {"action": "start_validation"},
         effect=system_field("lifecycle_stage")),
    Case("api:system-transition", "POST", API_TRIAGE, variant="start_triage",
         stage="intake_submitted", kwargs=system_pk, data=lambda w: {"action": "start_triage"},
         effect=system_field("lifecycle_stage")),
    Case("api:system-transition", "POST", API_RETIRE_TOO_EARLY, variant="retire",
         stage="intake_submitted", kwargs=system_pk, data=lambda w: {"action": "retire"},
         effect=system_field("lifecycle_stage")),
    # --- API: records under a system ---------------------------------------------------------
    Case("api:component-list", "GET", API_LOGGED_IN, marker=child_marker("component")),
    Case("api:component-list", "POST", API_CREATE_UNDER_SYSTEM, **BEFORE_GATE,
         effect=count(Component),
         data=lambda w: {"system": w.system.pk, "name": "Matrix component"}),
    Case("api:component-detail", "GET", API_SYSTEM_READ, kwargs=pk_of("component")),
    Case("api:component-detail", "PATCH", API_SYSTEM_CHANGE, **BEFORE_GATE,
         kwargs=pk_of("component"),
         data=lambda w: {"version": "9"}, effect=value("component", "version")),
    Case("api:component-detail", "DELETE", API_SYSTEM_CHANGE, **BEFORE_GATE,
         kwargs=pk_of("component"),
         effect=exists("component")),
    Case("api:dataset-list", "GET", API_LOGGED_IN, marker=child_marker("dataset")),
    Case("api:dataset-list", "POST", API_CREATE_UNDER_SYSTEM, **BEFORE_GATE,
         effect=count(Dataset),
         data=lambda w: {"system": w.system.pk, "name": "Matrix data", "source": "Export"}),
    Case("api:dataset-detail", "GET", API_SYSTEM_READ, kwargs=pk_of("dataset")),
    Case("api:dataset-detail", "PATCH", API_SYSTEM_CHANGE, kwargs=pk_of("dataset"),
         data=lambda w: {"licence": "CC-BY"}, effect=value("dataset", "licence")),
    Case("api:dataset-detail", "DELETE", API_SYSTEM_CHANGE, **BEFORE_GATE,
         kwargs=pk_of("dataset"),
         effect=exists("dataset")),
    Case("api:approval-list", "GET", API_LOGGED_IN, marker=child_marker("approval")),
    Case("api:approval-detail", "GET", API_SYSTEM_READ, kwargs=pk_of("approval")),
    Case("api:validationrecord-list", "GET", API_LOGGED_IN, marker=child_marker("validation")),
    Case("api:validationrecord-list", "POST", API_CREATE_UNDER_SYSTEM, effect=count(Validation),
         data=lambda w: {"system": w.system.pk, **VALIDATION}),
    Case("api:validationrecord-detail", "GET", API_SYSTEM_READ, kwargs=pk_of("validation")),
    Case("api:validationrecord-review", "POST", API_REVIEW, kwargs=pk_of("validation"),
         data=lambda w: {"note": "Matrix"}, effect=value("validation", "reviewed_by_id")),
    Case("api:approvalcondition-list", "GET", API_LOGGED_IN, marker=lambda w: w.condition.text),
    Case("api:approvalcondition-detail", "GET", API_SYSTEM_READ, kwargs=pk_of("condition")),
    Case("api:approvalcondition-met", "POST", API_MEET, kwargs=pk_of("condition"),
         data=lambda w: {"note": "Matrix met"}, effect=value("condition", "status")),
    Case("api:approvalcondition-waive", "POST", API_WAIVE, kwargs=pk_of("condition"),
         data=lambda w: {"note": "Matrix waived"}, effect=value("condition", "status")),
    Case("api:changerequest-list", "GET", API_LOGGED_IN, stage="deployed",
         marker=child_marker("change_request")),
    Case("api:changerequest-list", "POST", API_CREATE_UNDER_SYSTEM, stage="deployed",
         data=lambda w: {"system": w.system.pk, **CHANGE, "is_material": False},
         effect=count(ChangeRequest)),
    Case("api:changerequest-detail", "GET", API_SYSTEM_READ, stage="deployed",
         kwargs=pk_of("change_request")),
    Case("api:changerequest-decide", "POST", API_SYSTEM_CHANGE, stage="deployed",
         kwargs=pk_of("proposed_change"),
         data=lambda w: {"material": False, "reason": "Wording only"},
         effect=value("proposed_change", "status")),
    # --- API: gate settings and evidence -----------------------------------------------------
    Case("api:gatesetting-list", "GET", API_LOGGED_IN),
    Case("api:gatesetting-detail", "GET", API_GATE_READ, kwargs=lambda w: {"gate": "release"}),
    Case("api:gatesetting-detail", "PATCH", API_GATE_WRITE, kwargs=lambda w: {"gate": "release"},
         data=lambda w: {"required_approvals": 2}, effect=gate_values),
    Case("api:evidence-list", "GET", API_LOGGED_IN,
         marker=lambda w: w.evidence.title),
    Case("api:evidence-list", "POST", API_CREATE_UNDER_SYSTEM, effect=evidence_on_system,
         data=lambda w: {
             "target_type": "inventory.aisystem",
             "target_id": w.system.pk,
             "title": "Matrix link",
             "url": "https://example.org/matrix",
         }),
    Case("api:evidence-detail", "GET", API_SYSTEM_READ, kwargs=pk_of("evidence")),
    Case("api:evidence-download", "GET", API_SYSTEM_READ, kwargs=pk_of("evidence"),
         check=is_evidence_file),
]  # fmt: skip


def _app_cases() -> list[Case]:
    """The cases other apps declare in tests/matrix/cases_<app>.py."""
    found = []
    for module in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if module.name.startswith("cases_"):
            found += importlib.import_module(f"{__package__}.{module.name}").CASES
    return found


CASES += _app_cases()
EXPECTATIONS: dict[str, Case] = {case.key: case for case in CASES}
READERS = {"owner", "officer", "approver", "auditor"}  # may see the target system


def classify(response, *, api: bool) -> str:
    code = response.status_code
    if api:
        return "ok" if 200 <= code < 300 else str(code)
    if code in (301, 302, 303):
        return "login" if response["Location"].startswith(LOGIN_URL + "?next=") else "ok"
    return "ok" if 200 <= code < 300 else str(code)


def cells():
    for case in CASES:
        for role in ROLES:
            marks = []
            if role in case.bugs:
                marks.append(pytest.mark.xfail(strict=True, raises=AssertionError,
                                               reason=case.bugs[role]))  # fmt: skip
            yield pytest.param(case.key, role, id=f"{case.key}|{role}".replace(" ", "."),
                               marks=marks)  # fmt: skip


@pytest.fixture(scope="module")
def shared_worlds(django_db_setup, django_db_blocker):
    """The world of one stage at a time, built once for all the cells that use it (a worker
    runs the cells grouped by stage: conftest.py orders them)."""
    worlds = SharedWorlds()
    yield worlds
    with django_db_blocker.unblock():
        worlds.close()


def shared_world(request, shared_worlds, django_db_blocker, stage: str, role: str) -> World:
    """``role``'s World on ``stage``'s shared world, in the test's own transaction: pytest-
    django's ``db``, opened here after the shared one so that it nests inside it as a savepoint
    rolled back after the test. (A test using this names ``db`` after the fixture that calls it,
    which keeps that order and has pytest-django create the test database.)"""
    with django_db_blocker.unblock():
        shared_worlds.enter(stage)
    request.getfixturevalue("db")
    return shared_worlds.world(role)


@pytest.fixture
def cell_world(request, shared_worlds, django_db_blocker) -> World:
    params = request.node.callspec.params
    stage = EXPECTATIONS[params["key"]].stage
    return shared_world(request, shared_worlds, django_db_blocker, stage, params["role"])


@pytest.mark.parametrize("key,role", list(cells()))
def test_cell(key, role, cell_world, db):  # db after cell_world: see shared_world
    case = EXPECTATIONS[key]
    world = cell_world.prepare()
    url = reverse(case.name, kwargs=case.kwargs(world))
    data = case.data(world) if case.data else None
    if case.setup:
        case.setup(world)
    marker = case.marker(world) if case.marker else None
    before = case.effect(world) if case.effect else None
    history_before = history_row_count()

    if case.api:
        client = world.api_client()
        response = getattr(client, case.method.lower())(url, data, format="json")
    else:
        client = world.html_client()
        response = getattr(client, case.method.lower())(url, data or {})
    expected = case.expected[role]
    got = classify(response, api=case.api)
    content = streamed(response)

    assert got == expected, (case.key, role, response.status_code, content[:300])
    if got == "login":
        assert response["Location"] == f"{LOGIN_URL}?next={url}"
    if got == "401":
        assert response["WWW-Authenticate"] == "Token"
    is_json = response.get("Content-Type", "").startswith("application/json")
    if case.api and got != "ok" and (is_json or case.name.startswith("api:")):
        # Every REST API refusal is JSON (the HTML API docs page may answer otherwise).
        assert is_json, content[:300]
        body = response.json()
        assert set(body) == {"message", "code", "extra"}  # the one error shape
        assert_refusal_code(case, role, got, body)
    if got in ("400", "404"):  # nothing leaks about a record out of reach
        assert TARGET_NAME.encode() not in content
    if got == "ok":
        if case.check:
            case.check(world, response, content)
        if marker is not None:
            assert (marker.encode() in content) == (role in READERS), (role, marker)

    if case.effect:
        after = case.effect(world)
        if got == "ok":
            assert after != before, f"{case.key} as {role}: answered ok but changed nothing"
        else:
            assert after == before, f"{case.key} as {role}: refused but changed {before!r}"
    if got != "ok" or case.method == "GET":
        assert history_row_count() == history_before, "a refusal or a read wrote history"


# --- Meta-tests: the table covers the URLconf exactly ---------------------------------------


def test_every_application_url_has_a_name():
    assert [r.route for r in application_routes() if r.name is None] == []


def test_every_url_name_has_expectations():
    named = {r.name for r in application_routes()}
    missing = named - {case.name for case in CASES}
    assert not missing, f"URL names without a row in EXPECTATIONS: {sorted(missing)}"


def test_expectations_name_only_existing_urls():
    named = {r.name for r in application_routes()}
    stale = {case.name for case in CASES} - named
    assert not stale, f"EXPECTATIONS rows for URLs that no longer exist: {sorted(stale)}"


def test_every_method_a_view_answers_has_expectations():
    covered = {(case.name, case.method) for case in CASES}
    missing = [
        (route.name, method)
        for route in application_routes()
        for method in sorted(route_methods(route))
        if (route.name, method) not in covered
    ]
    assert missing == [], f"(URL name, method) pairs without a row: {missing}"


def test_every_row_names_all_roles_and_known_bugs_only():
    for case in CASES:
        assert set(case.expected) == set(ROLES), case.key
        assert set(case.bugs) <= set(ROLES), case.key
        assert set(case.codes) <= {r for r, o in case.expected.items() if o != "ok"}, case.key
        assert case.method in ("GET", "POST", "PATCH", "DELETE"), case.key
    assert len(EXPECTATIONS) == len(CASES), "duplicate rows"
