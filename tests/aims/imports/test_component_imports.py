"""Importing components of AI systems: found by system reference or external id, written
through the component service (child_save), refused on another owner's system."""

import pytest
from django.db import transaction

from aims.imports import services
from inventory.models import Component
from tests.factories import make_system

from .helpers import csv_bytes, upload

pytestmark = pytest.mark.django_db

HEADINGS = ["System", "Reference", "External id", "Kind", "Name", "Version", "Provider"]


def rows(*cells: dict) -> list[list]:
    return [HEADINGS, *([row.get(h, "") for h in HEADINGS] for row in cells)]


def test_components_are_created_then_unchanged_on_a_second_import(owner):
    with transaction.atomic():
        system = make_system(owner, external_id="SYS-1")
    content = csv_bytes(rows(
        {"System": system.reference, "External id": "C-1", "Kind": "Model", "Name": "Scorer"},
        {"System": "SYS-1", "External id": "C-2", "Kind": "Library or framework", "Name": "Lib"},
    ))  # fmt: skip
    job = services.import_commit(actor=owner, job=upload(owner, content, kind="components"))
    assert (job.status, job.to_create) == ("committed", 2), job.errors
    made = Component.objects.get(external_id="C-2")
    assert made.system == system and made.kind == "library"
    assert made.history.get().history_change_reason.startswith(f"Import {job.reference}")
    history = Component.history.count()

    again = upload(owner, content, kind="components")
    assert (again.unchanged, again.to_create, again.to_update) == (2, 0, 0)
    services.import_commit(actor=owner, job=again)
    assert Component.history.count() == history


def test_a_component_of_another_owners_system_is_refused(owner, other_owner):
    with transaction.atomic():
        theirs = make_system(other_owner)
    content = csv_bytes(rows({"System": theirs.reference, "External id": "C-9", "Name": "X"}))
    job = upload(owner, content, kind="components")
    assert [(e["row"], e["column"]) for e in job.errors] == [(2, "System")]
    assert not Component.objects.filter(external_id="C-9").exists()
