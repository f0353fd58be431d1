"""Load the ISO/IEC 42001 catalogue (clauses 4-10, Annex A, crosswalks) from project data.

Idempotent: items are matched by code and updated in place, crosswalks by (item, framework,
ref); nothing is ever duplicated. Every requirement and control (every non-heading item) gets
a blank ControlStatement if it has none; an existing statement is never touched, so the
organisation's SoA survives a reload. Runs after every ``migrate`` (post_migrate), so every
database, test databases included, has the catalogue; a run that changes nothing costs three
queries.
"""

from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from ..data import iso42001
from ..models import CatalogueItem, ControlStatement, Crosswalk

Kind = CatalogueItem.Kind
ITEM_FIELDS = ("kind", "title", "objective", "guidance", "is_heading", "sort_key")


@dataclass(frozen=True)
class Entry:
    code: str
    kind: str
    title: str
    objective: str
    guidance: str
    parent_code: str | None
    is_heading: bool
    sort_key: str


def sort_key(code: str) -> str:
    """ "6.1.2" -> "1.06.01.02", "A.10.3" -> "2.10.03": clauses first, numeric order."""
    annex = code.startswith("A.")
    parts = code[2:].split(".") if annex else code.split(".")
    return ("2." if annex else "1.") + ".".join(f"{int(p):02d}" for p in parts)


def _parent_code(code: str, codes: set[str]) -> str | None:
    parts = code.split(".")
    floor = 2 if code.startswith("A.") else 1  # "A.2" and "4" are roots
    for end in range(len(parts) - 1, floor - 1, -1):
        candidate = ".".join(parts[:end])
        if candidate in codes:
            return candidate
    return None


def catalogue_entries() -> list[Entry]:
    """The catalogue as data, with parents and headings derived from the codes."""
    raw = [(Kind.CLAUSE, *row) for row in iso42001.CLAUSES]
    raw += [(Kind.CONTROL, *row) for row in iso42001.CONTROLS]
    codes = {row[1] for row in raw}
    parents = {code: _parent_code(code, codes) for code in codes}
    with_children = {p for p in parents.values() if p}
    entries = [
        Entry(
            code=code,
            kind=kind,
            title=title,
            objective=objective,
            guidance=guidance,
            parent_code=parents[code],
            is_heading=parents[code] is None or code in with_children,
            sort_key=sort_key(code),
        )
        for kind, code, title, objective, guidance in raw
    ]
    return sorted(entries, key=lambda e: e.sort_key)


def _sync_items(entries: list[Entry]) -> tuple[dict[str, CatalogueItem], int, int]:
    items = {item.code: item for item in CatalogueItem.objects.all()}
    new = [
        CatalogueItem(code=e.code, **{f: getattr(e, f) for f in ITEM_FIELDS})
        for e in entries
        if e.code not in items
    ]
    if new:
        CatalogueItem.objects.bulk_create(new)
        items = {item.code: item for item in CatalogueItem.objects.all()}
    changed = []
    for e in entries:
        item = items[e.code]
        wanted = {f: getattr(e, f) for f in ITEM_FIELDS}
        wanted["parent_id"] = items[e.parent_code].pk if e.parent_code else None
        if any(getattr(item, f) != v for f, v in wanted.items()):
            for f, v in wanted.items():
                setattr(item, f, v)
            changed.append(item)
    if changed:
        CatalogueItem.objects.bulk_update(changed, [*ITEM_FIELDS, "parent"])
    new_codes = {i.code for i in new}
    return items, len(new), sum(1 for i in changed if i.code not in new_codes)


def _sync_crosswalks(items: dict[str, CatalogueItem]) -> tuple[int, int]:
    wanted = {
        (items[code].pk, framework, ref): title
        for code, framework, ref, title in iso42001.crosswalk_rows()
    }
    existing = {(c.item_id, c.framework, c.ref): c for c in Crosswalk.objects.all()}
    new = [
        Crosswalk(item_id=item_id, framework=framework, ref=ref, title=title)
        for (item_id, framework, ref), title in wanted.items()
        if (item_id, framework, ref) not in existing
    ]
    retitled = []
    for key, crosswalk in existing.items():
        if key in wanted and crosswalk.title != wanted[key]:
            crosswalk.title = wanted[key]
            retitled.append(crosswalk)
    stale = [c.pk for key, c in existing.items() if key not in wanted]
    if new:
        Crosswalk.objects.bulk_create(new)
    if retitled:
        Crosswalk.objects.bulk_update(retitled, ["title"])
    if stale:
        Crosswalk.objects.filter(pk__in=stale).delete()
    return len(new), len(stale)


def _create_statements(items: dict[str, CatalogueItem]) -> int:
    """A blank statement for every requirement and control that has none.

    Blank statements are seed data, like the gate settings a migration creates: they carry
    no decision of anyone, so they get no history row; a statement's history starts with
    the first person who edits it. (History rows and their audit-trail links written at
    migrate time would also end up in the test databases' serialized snapshot, which
    PostgreSQL's append-only guard refuses to reload.)
    """
    have = set(ControlStatement.objects.values_list("item_id", flat=True))
    missing = [
        ControlStatement(item=item)
        for item in sorted(items.values(), key=lambda i: i.sort_key)
        if not item.is_heading and item.pk not in have
    ]
    if missing:
        ControlStatement.objects.bulk_create(missing)
    return len(missing)


def load_catalogue() -> dict[str, int]:
    """Create or update the catalogue; returns counts of what changed."""
    entries = catalogue_entries()
    with transaction.atomic():
        items, created, updated = _sync_items(entries)
        crosswalks_created, crosswalks_removed = _sync_crosswalks(items)
        statements = _create_statements(items)
    return {
        "items": len(entries),
        "controls": sum(1 for e in entries if e.kind == Kind.CONTROL and not e.is_heading),
        "requirements": sum(1 for e in entries if e.kind == Kind.CLAUSE and not e.is_heading),
        "created": created,
        "updated": updated,
        "crosswalks_created": crosswalks_created,
        "crosswalks_removed": crosswalks_removed,
        "statements_created": statements,
    }


REQUIRED_TABLES = (CatalogueItem, Crosswalk, ControlStatement)


def load_after_migrate(sender, using: str = DEFAULT_DB_ALIAS, verbosity: int = 1, **kwargs):
    """post_migrate receiver: load the catalogue once the audits app is migrated.

    Runs for the audits app only, on the default database, and only when the tables exist
    (a migration to an earlier state may have removed them).
    """
    if getattr(sender, "label", None) != "audits" or using != DEFAULT_DB_ALIAS:
        return
    tables = set(connections[using].introspection.table_names())
    if not {m._meta.db_table for m in REQUIRED_TABLES} <= tables:
        return
    summary = load_catalogue()
    if verbosity >= 2:
        print(f"ISO/IEC 42001 catalogue: {summary}")
