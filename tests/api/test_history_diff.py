"""aims.history_diff, the readable history shared by the API and the HTML history tab."""

import pytest

from aims.history_diff import history_entries
from aims.people import display_name
from inventory import services
from inventory.models import AISystem, Component

pytestmark = pytest.mark.django_db


def test_entries_render_labels_choices_booleans_and_users(system, owner, officer, other_owner):
    services.system_update(
        actor=owner,
        system=system,
        data={"business_unit": "finance", "user_facing": True, "next_review_date": None},
        reason="Moved to finance",
    )
    services.system_set_owner(actor=officer, system=system, owner=other_owner)
    entries = history_entries([AISystem.history.filter(id=system.pk)])

    handover, edit, created = entries
    assert [e["history_type_display"] for e in entries] == ["Changed", "Changed", "Created"]
    assert created["changes"] == []
    assert (edit["history_user"], edit["history_change_reason"]) == (
        owner.username,
        "Moved to finance",
    )
    assert edit["changes"] == [
        {
            "field": "business_unit",
            "label": "Business unit",
            "old": "Human resources",
            "new": "Finance",
        },
        {"field": "user_facing", "label": "User facing", "old": "No", "new": "Yes"},
    ]
    assert handover["history_user"] == officer.username
    assert handover["changes"] == [
        {
            "field": "owner",
            "label": "Owner",
            "old": display_name(owner),
            "new": display_name(other_owner),
        }
    ]
    assert created["object_reference"] == system.reference
    assert created["object_label"] == f"{system.reference} {system.name}"
    assert created["model_name"] == "AI system"


def test_deleted_child_keeps_its_history(system, owner):
    component = services.child_save(
        actor=owner, record=Component(system=system), data={"name": "Rank"}
    )
    services.child_save(actor=owner, record=component, data={"version": "2"})
    pk = component.pk
    services.child_delete(actor=owner, record=component)
    entries = history_entries([Component.history.filter(system_id=system.pk)])
    assert [e["history_type"] for e in entries] == ["-", "~", "+"]
    assert {e["object_reference"] for e in entries} == {f"CMP-{pk:04d}"}
    assert entries[1]["changes"] == [
        {"field": "version", "label": "Version", "old": None, "new": "2"}
    ]


def test_one_query_per_table_plus_one_for_users(system, owner, django_assert_num_queries):
    for i in range(5):
        services.system_update(actor=owner, system=system, data={"known_risks": f"r{i}"})
    querysets = [AISystem.history.filter(id=system.pk), Component.history.filter(system_id=1)]
    with django_assert_num_queries(3):
        entries = history_entries(querysets)
    assert len(entries) == 6
    assert history_entries(querysets, newest_first=False)[0]["history_type"] == "+"
