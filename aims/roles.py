"""The roles of DESIGN.md as Django groups, and how each app grants them model permissions.

Each app declares its own grants in ``<app>/roles.py`` (one place per app); a data migration
applies a frozen copy, and ``manage.py sync_roles`` re-applies the current declaration.
"""

from collections.abc import Iterable, Mapping

OFFICER = "Governance officer"
APPROVER = "Approver"
OWNER = "System owner"
AUDITOR = "Auditor"
ROLES = (OFFICER, APPROVER, OWNER, AUDITOR)

# Corrective actions: owners work on those of records they may change (checked on the source).
CAPA_VIEW = ["aims.view_correctiveaction"]

# Model permissions of this app, by role: "<app_label>.<codename>".
PERMISSIONS: dict[str, list[str]] = {
    OFFICER: [
        "aims.view_evidence",
        "aims.add_evidence",
        "aims.change_evidence",
        "aims.delete_evidence",
        *CAPA_VIEW,
        "aims.add_correctiveaction",
        "aims.change_correctiveaction",
        "aims.verify_correctiveaction",
    ],
    APPROVER: ["aims.view_evidence", "aims.add_evidence", *CAPA_VIEW],
    OWNER: ["aims.add_evidence", "aims.add_correctiveaction", "aims.change_correctiveaction"],
    AUDITOR: ["aims.view_evidence", *CAPA_VIEW],
}


def grant_role_permissions(apps, app_label: str, grants: Mapping[str, Iterable[str]]) -> None:
    """Create the groups if needed and give each the listed permissions of ``app_label``.

    Works with historical models inside a migration (pass the migration's ``apps``) and with
    the real registry. Permissions are created first: post_migrate has not run yet.
    """
    from django.apps import apps as global_apps
    from django.contrib.auth.management import create_permissions

    create_permissions(global_apps.get_app_config(app_label), apps=apps, verbosity=0)
    group_model = apps.get_model("auth", "Group")
    permission_model = apps.get_model("auth", "Permission")
    for role in ROLES:
        group, _ = group_model.objects.get_or_create(name=role)
        wanted = [p.split(".", 1)[1] for p in grants.get(role, []) if p.startswith(app_label + ".")]
        current = group.permissions.filter(content_type__app_label=app_label)
        group.permissions.remove(*current.exclude(codename__in=wanted))
        perms = permission_model.objects.filter(
            content_type__app_label=app_label, codename__in=wanted
        )
        missing = set(wanted) - set(perms.values_list("codename", flat=True))
        if missing:
            raise LookupError(f"Unknown permissions for {app_label}: {sorted(missing)}")
        group.permissions.add(*perms)


def role_names(user) -> list[str]:
    return [name for name in ROLES if any(g.name == name for g in user.groups.all())]
