"""Create the four roles of DESIGN.md as groups and grant this app's permissions.

The grants are frozen here; tests check they equal aims/roles.py, and
``manage.py sync_roles`` re-applies the current declaration.
"""

from django.db import migrations

GRANTS = {
    "Governance officer": [
        "aims.view_evidence",
        "aims.add_evidence",
        "aims.change_evidence",
        "aims.delete_evidence",
    ],
    "Approver": ["aims.view_evidence", "aims.add_evidence"],
    "System owner": ["aims.add_evidence"],
    "Auditor": ["aims.view_evidence"],
}


def forwards(apps, schema_editor):
    from aims.roles import grant_role_permissions

    grant_role_permissions(apps, "aims", GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("aims", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
