"""A proposed change names people and records in words, never by database id."""

import pytest

from aims.people import display_name
from inventory.models import AISystem, Component, _value_label

pytestmark = pytest.mark.django_db


def test_proposed_values_name_people_and_say_deleted_records(owner, system):
    owner_field = AISystem._meta.get_field("owner")
    assert _value_label(owner_field, owner.pk) == display_name(owner)
    assert _value_label(owner_field, 987654) == "a deleted user"
    system_field = Component._meta.get_field("system")
    assert _value_label(system_field, system.pk) == f"{system.reference} {system.name}"
    assert _value_label(system_field, 987654) == "AIS-987654 (deleted)"
