"""Facts read once per read-only request (aims.read_once): a user's object permissions on a
record and a system loaded through its selector are read once in a GET, never kept outside
one (a service sees a grant or a handover at once), and never kept across requests."""

import pytest
from django.test import RequestFactory

from aims.permissions import has_perm
from aims.read_once import ReadOnceMiddleware, in_read_once, read_once
from inventory import selectors, services

pytestmark = pytest.mark.django_db


def test_object_permissions_are_read_once_inside_and_every_time_outside(
    owner, other_owner, officer, system, django_assert_num_queries
):
    owner.has_perm("inventory.view_aisystem")  # the role's permissions, cached by Django
    with read_once():
        with django_assert_num_queries(2):  # the user's and their groups' object permissions
            assert has_perm(owner, "inventory.change_aisystem", system)
        with django_assert_num_queries(0):
            assert has_perm(owner, "inventory.change_aisystem", system)
            assert has_perm(owner, "inventory.view_aisystem", system)
    # Outside a read-only request nothing is kept: a handover is seen at once.
    services.system_set_owner(actor=officer, system=system, owner=other_owner)
    assert not has_perm(owner, "inventory.change_aisystem", system)
    assert has_perm(other_owner, "inventory.change_aisystem", system)


def test_a_system_is_loaded_once_in_a_read_only_request(owner, system, django_assert_num_queries):
    with read_once():
        first = selectors.system_get(user=owner, pk=system.pk)
        with django_assert_num_queries(0):
            assert selectors.system_get(user=owner, pk=system.pk) is first


def test_only_safe_requests_keep_answers():
    seen = []
    middleware = ReadOnceMiddleware(lambda request: seen.append(in_read_once()))
    factory = RequestFactory()
    middleware(factory.get("/"))
    middleware(factory.post("/"))
    middleware(factory.head("/"))
    assert seen == [True, False, True] and not in_read_once()
