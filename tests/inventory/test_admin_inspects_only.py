"""The Django admin inspects domain records and their history; it changes none of them, so it
cannot go around the services (issue 13: an owner change in the admin left the old owner's
object permissions in place and locked the new owner out)."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse
from guardian.shortcuts import get_perms

from aims.admin import ReadOnlyHistoryAdmin
from inventory.models import AISystem
from tests.factories import make_system

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root_t", "root@example.org", "x")


def test_an_owner_change_posted_to_the_admin_is_refused(client, superuser, owner, other_owner):
    system = make_system(owner)
    history = system.history.count()
    client.force_login(superuser)
    url = reverse("admin:inventory_aisystem_change", args=[system.pk])

    page = client.get(url)
    assert page.status_code == 200  # reading is fine
    assert 'name="_save"' not in page.content.decode()  # no form to save

    response = client.post(url, {"name": "Taken over", "owner": other_owner.pk})
    assert response.status_code == 403
    system.refresh_from_db()
    assert system.owner == owner and system.name != "Taken over"
    assert system.history.count() == history
    assert "view_aisystem" in get_perms(owner, system)
    assert "view_aisystem" not in get_perms(other_owner, system)


def test_no_domain_record_can_be_added_or_changed_in_the_admin(rf, superuser):
    request = rf.get("/admin/")
    request.user = superuser
    inspected = [m for m, a in admin.site._registry.items() if isinstance(a, ReadOnlyHistoryAdmin)]
    assert AISystem in inspected and len(inspected) >= 20
    for model in inspected:
        model_admin = admin.site._registry[model]
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
