"""The role groups hold exactly the permissions each app declares in <app>/roles.py."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group

from aims.roles import ROLES

pytestmark = pytest.mark.django_db


def declared() -> dict[str, set[str]]:
    grants: dict[str, set[str]] = {role: set() for role in ROLES}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.roles")
        except ModuleNotFoundError:
            continue
        for role, perms in getattr(module, "PERMISSIONS", {}).items():
            grants[role].update(perms)
    return grants


def test_migrations_grant_what_the_apps_declare():
    for role, perms in declared().items():
        group = Group.objects.get(name=role)
        actual = {
            f"{app}.{codename}"
            for app, codename in group.permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert actual == perms, role


def test_auditor_holds_no_write_permission():
    """Auditors read; the one request they make is for an evidence pack, which changes no
    record of the management system."""
    codenames = Group.objects.get(name="Auditor").permissions.values_list("codename", flat=True)
    assert codenames
    assert all(c.startswith("view_") or c == "request_evidencepack" for c in codenames)


def test_users_cannot_be_deleted_in_the_admin(client, django_user_model):
    """Deactivate instead: history rows name their users and must not change."""
    admin_user = django_user_model.objects.create_superuser("root_t", "r@example.org", "x")
    target = django_user_model.objects.create_user("leaver", "l@example.org", "x")
    client.force_login(admin_user)
    response = client.post(f"/admin/auth/user/{target.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert django_user_model.objects.filter(pk=target.pk).exists()


def test_role_names_lists_the_roles_held_in_role_order_with_one_query(
    django_user_model, django_assert_num_queries
):
    from aims.roles import AUDITOR, OFFICER, role_names

    user = django_user_model.objects.create_user("two-roles")
    user.groups.add(Group.objects.get(name=AUDITOR), Group.objects.get(name=OFFICER))
    user.groups.add(Group.objects.create(name="Not a role"))
    with django_assert_num_queries(1):
        assert role_names(user) == [OFFICER, AUDITOR]
