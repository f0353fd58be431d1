"""Django admin: staff only. (Its own module: the role matrix's module keeps a shared world
open while its cells run, test_role_matrix.shared_worlds.)"""

import pytest

from .world import ROLES, World

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path", ["/admin/", "/admin/inventory/aisystem/"])
def test_admin_sends_non_staff_to_the_admin_login(role, path):
    world = World(role)
    if world.actor is not None:
        assert not world.actor.is_staff
    response = world.html_client().get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/admin/login/?next={path}"
