"""The vocabulary of the role matrix: outcome rows, the Case record and helpers that build
URL kwargs, payloads and effects. Each app's cases live in ``cases_<app>.py`` beside this
file (a module defining ``CASES``); test_role_matrix.py collects them all."""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model

from aims.models import Evidence
from inventory.models import AISystem, GateSetting
from inventory.views import TABS

from ..factories import INTAKE_DATA
from .world import (
    ROLES,
    World,
)

User = get_user_model()

OUTCOMES = {"ok", "login", "401", "400", "403", "404", "405", "409"}
LOGIN_URL = "/accounts/login/"
NEW_PASSWORD = "Matrix-new-pass-2026!"


def expect(spec: str) -> dict[str, str]:
    """One row of the table: seven outcomes in the order of ROLES."""
    outcomes = spec.split()
    assert len(outcomes) == len(ROLES), spec
    assert set(outcomes) <= OUTCOMES, spec
    return dict(zip(ROLES, outcomes, strict=True))


# fmt: off
#                                anonymous nobody owner other_owner officer approver auditor
PUBLIC                  = expect("ok       ok     ok    ok          ok      ok       ok")
LOGGED_IN               = expect("login    ok     ok    ok          ok      ok       ok")
SYSTEM_READ             = expect("login    404    ok    404         ok      ok       ok")
SYSTEM_CHANGE           = expect("login    404    ok    404         ok      403      403")
INTAKE                  = expect("login    403    ok    ok          ok      403      403")
GATES_READ              = expect("login    403    403   403         ok      ok       ok")
GATES_WRITE             = expect("login    403    403   403         ok      403      403")
DECIDE                  = expect("login    404    403   404         403     ok       403")
TRIAGE                  = expect("login    404    403   404         ok      403      403")

API_PUBLIC              = expect("ok       ok     ok    ok          ok      ok       ok")
API_LOGGED_IN           = expect("401      ok     ok    ok          ok      ok       ok")
API_SYSTEM_READ         = expect("401      404    ok    404         ok      ok       ok")
# Writes: the coarse gate refuses read-only roles (403) before any lookup; the services refuse
# the approver (403); another owner's record is not found (404).
API_SYSTEM_CHANGE       = expect("401      403    ok    404         ok      403      403")
# Creates name their system in the body: a system the user cannot see is a field error.
API_CREATE_UNDER_SYSTEM = expect("401      403    ok    400         ok      403      403")
API_INTAKE              = expect("401      403    ok    ok          ok      403      403")
API_DECIDE              = expect("401      403    403   404         403     ok       403")
API_TRIAGE              = expect("401      403    403   404         ok      403      403")
API_RETIRE_TOO_EARLY    = expect("401      403    409   404         409     403      403")
API_NEVER_DELETED       = expect("401      403    405   405         405     405      403")
API_GATE_READ           = expect("401      404    404   404         ok      ok       ok")
API_GATE_WRITE          = expect("401      403    403   403         ok      403      403")
API_OWN_NOTIFICATION    = expect("401      404    ok    404         404     404      404")
# fmt: on

# The code an API refusal carries in {"message", "code", "extra"} when nothing more specific
# applies. A 400 or 409 is the business rule's own code: any but the generic ones below.
REFUSAL_CODES = {
    "401": "not_authenticated",
    "403": "permission_denied",
    "404": "not_found",
    "405": "method_not_allowed",
}
GENERIC_CODES = {"", "error", "invalid"}


def assert_refusal_code(case: "Case", role: str, got: str, body: dict) -> None:
    """An API refusal names why: the status's own code, or the rule's. A refusal that lost
    its code (rendered as "invalid" or "error") fails."""
    code = body.get("code")
    if role in case.codes:
        assert code == case.codes[role], (case.key, role, got, body)
    elif got in REFUSAL_CODES:
        assert code == REFUSAL_CODES[got], (case.key, role, got, body)
    elif got == "409":
        assert code not in GENERIC_CODES, (case.key, role, got, body)
    else:  # 400: a field error is "invalid" with its fields; a rule has its own code
        assert code and code != "error", (case.key, role, got, body)
        if code == "invalid":
            assert body["extra"].get("fields"), (case.key, role, got, body)


@dataclass
class Case:
    name: str
    method: str
    expected: dict[str, str]
    variant: str = ""
    stage: str = "approved_for_development"
    kwargs: Callable[[World], dict] = lambda w: {}
    data: Callable[[World], dict] | None = None
    setup: Callable[[World], Any] | None = None
    effect: Callable[[World], Any] | None = None  # changes on "ok", stays otherwise
    check: Callable[[World, Any, bytes], None] | None = None  # extra assertion on "ok"
    marker: Callable[[World], str] | None = None  # a list shows it to readers, hides it else
    bugs: dict[str, str] = field(default_factory=dict)  # role -> reported bug (strict xfail)
    # role -> the refusal code an API refusal answers, where it is not the status's default
    # (REFUSAL_CODES), e.g. "segregation_of_duties" for a 403 or a rule's own code for a 409.
    codes: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return " ".join(p for p in (self.name, self.method, self.variant) if p)

    @property
    def api(self) -> bool:
        return self.name.startswith("api:") or self.name in ("schema", "api-docs")


# --- kwargs, payloads, effects --------------------------------------------------------------


def system_pk(w: World) -> dict:
    return {"pk": w.system.pk}


def system_child(attr: str) -> Callable[[World], dict]:
    return lambda w: {"pk": w.system.pk, "child": getattr(w, attr).pk}


def pk_of(attr: str) -> Callable[[World], dict]:
    return lambda w: {"pk": getattr(w, attr).pk}


def count(model, **filters) -> Callable[[World], int]:
    return lambda w: model.objects.filter(system=w.system, **filters).count()


def exists(attr: str) -> Callable[[World], bool]:
    def run(w: World) -> bool:
        record = getattr(w, attr)
        return type(record).objects.filter(pk=record.pk).exists()

    return run


def value(attr: str, field_name: str) -> Callable[[World], Any]:
    def run(w: World) -> Any:
        record = getattr(w, attr)
        return type(record).objects.values_list(field_name, flat=True).get(pk=record.pk)

    return run


def system_field(field_name: str) -> Callable[[World], Any]:
    return lambda w: AISystem.objects.values_list(field_name, flat=True).get(pk=w.system.pk)


def gate_values(w: World) -> tuple:
    return tuple(GateSetting.objects.order_by("gate").values_list("required_approvals", flat=True))


def evidence_on_system(w: World) -> int:
    return Evidence.objects.filter(target_type__model="aisystem", target_id=w.system.pk).count()


def password_hash(w: World) -> str:
    return User.objects.get(pk=w.person.pk).password


def streamed(response) -> bytes:
    if response.streaming:
        # Consuming the stream closes the response through the test client, which keeps the
        # database connection open; calling response.close() again here would close it.
        return b"".join(response.streaming_content)
    return response.content


def is_evidence_file(w: World, response, content: bytes) -> None:
    assert content == b"%PDF-1.4 matrix evidence"


def lands_on(path: str) -> Callable[[World, Any], None]:
    def run(w: World, response, content: bytes) -> None:
        assert response["Location"] == path

    return run


def returns_own_token(w: World, response, content: bytes) -> None:
    from aims.accounts.models import ApiToken, hash_secret

    token = ApiToken.objects.get(key_hash=hash_secret(response.json()["token"]))
    assert token.user == w.person and token.via_signin and token.is_active


def is_me(w: World, response, content: bytes) -> None:
    assert response.json()["username"] == w.actor.username


def shows_system(w: World) -> str:
    return w.system.name


def child_marker(attr: str) -> Callable[[World], str]:
    def run(w: World) -> str:
        getattr(w, attr)  # the record must exist before the list is read
        return w.system.name

    return run


def html_form(**overrides) -> dict:
    data = {**INTAKE_DATA, "user_facing": "", "used_in_eu": "on", **overrides}
    return data


HTML_INTAKE = html_form(name="Matrix intake")
HTML_COMPONENT = {"kind": "model", "name": "Matrix component"}
HTML_DATASET = {"name": "Matrix data", "use": "input", "source": "Export", "personal_data": "none"}
VALIDATION = {
    "test_type": "bias",
    "title": "Matrix bias test",
    "method": "Parity on 500 cases",
    "result": "pass",
    "performed_on": "2026-02-01",
    "summary": "",
}
CHANGE = {"kind": "prompt_change", "title": "Matrix change", "description": "Reword the prompt"}


def tab_cases() -> list[Case]:
    return [
        Case("inventory:system_tab", "GET", SYSTEM_READ, variant=tab, kwargs=lambda w, t=tab: {
            "pk": w.system.pk, "tab": t
        })
        for tab, _ in TABS
    ]  # fmt: skip
