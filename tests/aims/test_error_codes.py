"""Every refusal a service raises carries a stable code from its own app's enumeration, and
the codes every app shares are spelled the same everywhere."""

import ast
import importlib
from enum import StrEnum
from pathlib import Path

import pytest

from aims.errors import SHARED_CODES, BusinessRuleError, RuleForbidden, TransitionNotAllowed

ROOT = Path(__file__).resolve().parents[2]
APPS = ("aims", "suppliers", "inventory", "risk", "incidents", "audits")
REFUSALS = {"BusinessRuleError", "RuleForbidden", "TransitionNotAllowed", "TrainingMissing"}
# aims.permissions: refuse (RuleForbidden) unless the user holds a permission. Their code
# defaults to the shared "permission_denied"; a code given must be of the app's enumeration.
PERMISSION_CHECKS = {"require", "require_global"}
# Services split into a package, one module per part of the app.
SERVICE_PACKAGES = ("risk/services", "inventory/services", "incidents/services")


def app_codes(app: str) -> type[StrEnum]:
    return importlib.import_module(f"{app}.errors").Code


def _calls(path: Path, names: set[str]):
    """(line, code expression or None) of every call of one of ``names`` in the module."""
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name in names:
            code = next((kw.value for kw in node.keywords if kw.arg == "code"), None)
            yield node.lineno, code


def refusals_in(path: Path):
    """(line, code expression) of every refusal constructed in the module."""
    yield from _calls(path, REFUSALS)


def permission_checks_in(path: Path):
    """(line, code expression or None) of every require()/require_global() in the module."""
    yield from _calls(path, PERMISSION_CHECKS)


def modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts and path.name != "errors.py":
            yield path


@pytest.mark.parametrize("app", APPS)
def test_every_app_has_one_enumeration_with_the_shared_codes(app):
    codes = app_codes(app)
    assert issubclass(codes, StrEnum)
    assert {member.value for member in codes} >= SHARED_CODES
    # A code is a client contract: lower snake case, value spelled like its name.
    for member in codes:
        assert member.value == member.name.lower() and member.value.isidentifier()


@pytest.mark.parametrize("app", APPS)
def test_every_refusal_carries_a_code_of_its_apps_enumeration(app):
    codes = app_codes(app)
    known = {member.value for member in codes}
    problems = []
    for path in modules(app):
        where = path.relative_to(ROOT)
        checks = [(line, code) for line, code in permission_checks_in(path) if code is not None]
        for line, code in [*refusals_in(path), *checks]:
            if code is None:
                problems.append(f"{where}:{line}: no code")
            elif isinstance(code, ast.Attribute) and isinstance(code.value, ast.Name):
                # Code.X is only looked up when the refusal runs: check the member exists now.
                if code.value.id != "Code" or code.attr not in codes.__members__:
                    problems.append(f"{where}:{line}: {ast.unparse(code)} is not in {app}.Code")
            elif isinstance(code, ast.Constant):
                if code.value not in known:
                    problems.append(f"{where}:{line}: '{code.value}' is not in {app}.Code")
            elif not isinstance(code, ast.Name):  # a helper's parameter, typed Code
                problems.append(f"{where}:{line}: code {ast.unparse(code)} is not a Code")
    assert not problems, "\n".join(problems)


def test_the_scan_sees_the_refusals_it_checks():
    """Guard against a vacuous battery: the scan finds the refusals of the risk services, those
    they construct and the permission checks they make through aims.permissions."""
    paths = sorted((ROOT / "risk" / "services").glob("*.py"))
    assert len(paths) > 2 and set(paths) <= set(modules("risk"))
    found = [refusal for path in paths for refusal in refusals_in(path)]
    checks = [check for path in paths for check in permission_checks_in(path)]
    assert len(found) >= 5 and all(code is not None for _, code in found)
    assert len(checks) >= 6


@pytest.mark.parametrize("package", SERVICE_PACKAGES)
def test_the_scan_reads_every_module_of_the_service_packages(package):
    """The services split into packages (one module per part of the app): each module is
    scanned, the package's __init__ included."""
    app, _ = package.split("/")
    paths = set((ROOT / package).glob("*.py"))
    assert ROOT / package / "__init__.py" in paths and len(paths) > 2
    assert paths <= set(modules(app))


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        (BusinessRuleError, 400, "invalid"),
        (TransitionNotAllowed, 409, "transition_not_allowed"),
        (RuleForbidden, 403, "permission_denied"),
    ],
)
def test_a_refusal_without_a_code_is_labelled_by_its_kind(error, status, code):
    refused = error("No.")
    assert (refused.status_code, refused.code, refused.message) == (status, code, "No.")


def test_an_enum_code_is_stored_as_its_plain_value():
    from risk.errors import Code

    refused = RuleForbidden("No.", code=Code.SEGREGATION_OF_DUTIES)
    assert refused.code == "segregation_of_duties" and type(refused.code) is str
