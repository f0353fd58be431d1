"""The incident list's filter by AI system at any size of the inventory: a drop-down list for
a usual estate; past inventory.filter_fields.LIST_AT_MOST visible systems, a box for the
system's reference (a list of thousands of options is most of a megabyte of page). Either
way only the systems the user may see are accepted, and nothing leaks about the others."""

import pytest
from django.urls import reverse

from inventory import filter_fields
from tests.factories import make_system

pytestmark = pytest.mark.django_db

URL = reverse("incidents:incident_list")


@pytest.fixture
def estate(owner, other_owner, system, report):
    """Three systems the owner can see, each with an incident, and one they cannot."""
    second = make_system(owner, name="Invoice reader")
    third = make_system(owner, name="Churn model")
    theirs = make_system(other_owner, name="Someone else's scorer")
    for target, title in ((system, "First"), (second, "Second"), (third, "Third")):
        report(system=target, title=f"{title} incident")
    return system, second, third, theirs


def test_a_usual_inventory_is_offered_as_a_list(client_as, owner, estate):
    page = client_as(owner).get(URL).content.decode()
    assert '<select name="system"' in page
    assert estate[1].name in page and estate[3].name not in page


def test_a_large_inventory_is_filtered_by_reference(client_as, owner, estate, monkeypatch):
    monkeypatch.setattr(filter_fields, "LIST_AT_MOST", 2)
    client = client_as(owner)
    page = client.get(URL).content.decode()
    assert '<select name="system"' not in page and 'name="system"' in page
    assert "for example AIS-0012" in page  # the box says what to type

    second = estate[1]
    for typed in (second.reference, second.reference.lower(), str(second.pk)):
        page = client.get(URL, {"system": typed}).content.decode()
        assert "Second incident" in page, typed
        assert "First incident" not in page and "Third incident" not in page
        assert f'value="{second.reference}"' in page  # shown back as its reference


@pytest.mark.parametrize("typed", ["AIS-99999", "yesterday", "CMP-0001", "-1"])
def test_a_reference_out_of_reach_is_refused_in_words(client_as, owner, estate, monkeypatch,
                                                      typed):  # fmt: skip
    monkeypatch.setattr(filter_fields, "LIST_AT_MOST", 2)
    page = client_as(owner).get(URL, {"system": typed}).content.decode()
    assert "No AI system you can see has this reference." in page
    assert 'aria-invalid="true"' in page


def test_another_owners_system_reads_like_an_unknown_one(client_as, owner, estate, monkeypatch):
    monkeypatch.setattr(filter_fields, "LIST_AT_MOST", 2)
    theirs = estate[3]
    page = client_as(owner).get(URL, {"system": theirs.reference}).content.decode()
    assert "No AI system you can see has this reference." in page
    assert theirs.name not in page
