"""Grant the audits app's model permissions to the roles (frozen copy of audits/roles.py)."""

from django.db import migrations

GRANTS = {
    "Governance officer": ["audits.view_chainlink"],
    "Auditor": ["audits.view_chainlink"],
}


def forwards(apps, schema_editor):
    from aims.roles import grant_role_permissions

    grant_role_permissions(apps, "audits", GRANTS)


class Migration(migrations.Migration):
    dependencies = [("audits", "0001_initial"), ("aims", "0002_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
