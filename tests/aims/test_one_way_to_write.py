"""Services save through aims.history.save_with_history and check permissions through
aims.permissions.require/require_global: no module keeps its own copy of either.

Covers the apps moved onto the core so far; add a module or an app here once it is moved.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MOVED_APPS = ("inventory", "risk", "suppliers", "incidents")
MOVED_MODULES: tuple[str, ...] = ()
# aims' domain sub-packages, every module in them (services, views, api, wiring, demo...).
AIMS_DOMAINS = (
    "aims/ms",
    "aims/competence",
    "aims/reminders",
    "aims/evidence",
    "aims/capa",
    "aims/notifications",
)
# Services split into a package, one module per part of the app: the scan must read each.
SERVICE_PACKAGES = ("risk/services", "inventory/services", "incidents/services")
# The copies that were removed: a save (full_clean, stamp, save) and plain permission checks.
COPIES = {"_save", "_require", "_require_perm", "_deny"}


def moved_modules() -> list[Path]:
    paths = [ROOT / name for name in MOVED_MODULES]
    for app in (*MOVED_APPS, *AIMS_DOMAINS):
        paths += [p for p in sorted((ROOT / app).rglob("*.py")) if "migrations" not in p.parts]
    return paths


def module_functions(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    return {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}


def test_no_module_keeps_its_own_save_or_permission_check():
    copies = {
        str(path.relative_to(ROOT)): sorted(module_functions(path) & COPIES)
        for path in moved_modules()
    }
    assert not {where: names for where, names in copies.items() if names}


def test_the_scan_sees_the_services_and_a_copy(tmp_path):
    """Guard against a vacuous battery: the scan reads the service modules, and it sees a
    copy of the removed helpers when a module defines one."""
    names = {str(p.relative_to(ROOT)) for p in moved_modules()}
    assert "suppliers/services.py" in names
    for package in SERVICE_PACKAGES:
        parts = {str(p.relative_to(ROOT)) for p in (ROOT / package).glob("*.py")}
        assert f"{package}/__init__.py" in parts and len(parts) > 2
        assert parts <= names
    assert {
        "aims/ms/services.py",
        "aims/competence/services.py",
        "aims/reminders/services.py",
        "aims/capa/services.py",
        "aims/evidence/services.py",
        "aims/notifications/services.py",
    } <= names
    copy = tmp_path / "services.py"
    copy.write_text("def _save(obj, *, actor, reason):\n    obj.full_clean()\n    obj.save()\n")
    assert module_functions(copy) & COPIES == {"_save"}
