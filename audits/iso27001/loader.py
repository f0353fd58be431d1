"""Load the ISO/IEC 27001 Annex A controls and the suggested mappings (idempotent).

Runs after every ``migrate`` (post_migrate, beside the 42001 catalogue) and through
``manage.py load_iso27001``. Controls are matched by code: a new code gets a blank record
(not applicable decided yet, not implemented), a changed title or theme is updated in place,
and the organisation's own fields are never touched. A suggested mapping is created only when
its pair has no mapping at all, so a suggestion the organisation rejected never comes back.

Like the blank SoA statements, these rows are seed data and carry no one's decision: they get
no history row; a control's history starts with the first person who edits it, a suggestion's
with the officer who reviews or rejects it.
"""

from django.db import DEFAULT_DB_ALIAS, connections, transaction

from ..models import CatalogueItem
from . import data
from .models import ControlMapping, SecurityControl


def load_iso27001() -> dict[str, int]:
    with transaction.atomic():
        existing = {c.code: c for c in SecurityControl.objects.all()}
        new, changed = [], []
        for code, title in data.CONTROLS:
            wanted = {"title": title, "theme": data.theme_of(code), "sort_key": data.sort_key(code)}
            control = existing.get(code)
            if control is None:
                new.append(SecurityControl(code=code, **wanted))
            elif any(getattr(control, f) != v for f, v in wanted.items()):
                for f, v in wanted.items():
                    setattr(control, f, v)
                changed.append(control)
        if new:
            SecurityControl.objects.bulk_create(new)
        if changed:
            SecurityControl.objects.bulk_update(changed, ["title", "theme", "sort_key"])
        suggestions = _create_suggestions()
    return {"controls": len(data.CONTROLS), "created": len(new), "updated": len(changed),
            "suggestions_created": suggestions}  # fmt: skip


def _create_suggestions() -> int:
    controls = dict(SecurityControl.objects.values_list("code", "pk"))
    items = dict(CatalogueItem.objects.filter(is_heading=False).values_list("code", "pk"))
    have = set(ControlMapping.objects.values_list("security_control_id", "item_id"))
    missing = [
        ControlMapping(
            security_control_id=controls[control],
            item_id=items[item],
            rationale=rationale,
            source=ControlMapping.Source.SUGGESTED,
        )
        for control, item, rationale in data.SUGGESTED_MAPPINGS
        if item in items and (controls[control], items[item]) not in have
    ]
    if missing:
        ControlMapping.objects.bulk_create(missing)
    return len(missing)


REQUIRED_TABLES = (CatalogueItem, SecurityControl, ControlMapping)


def load_after_migrate(sender, using: str = DEFAULT_DB_ALIAS, verbosity: int = 1, **kwargs):
    """post_migrate receiver: runs for the audits app on the default database, once the
    tables exist (a migration back to an earlier state may have removed them). Connected after
    the 42001 catalogue's receiver, so the 42001 items exist."""
    if getattr(sender, "label", None) != "audits" or using != DEFAULT_DB_ALIAS:
        return
    tables = set(connections[using].introspection.table_names())
    if not {m._meta.db_table for m in REQUIRED_TABLES} <= tables:
        return
    summary = load_iso27001()
    if verbosity >= 2:
        print(f"ISO/IEC 27001 Annex A: {summary}")
