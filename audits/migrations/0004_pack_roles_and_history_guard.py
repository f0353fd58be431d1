"""Grant the evidence-pack permissions, and install the PostgreSQL guard that makes every
history table (and the audit-trail chain) refuse UPDATE and DELETE. The guard is re-applied
after every migrate (audits.apps), so history tables of later apps are covered too."""

from django.db import migrations

GRANTS = {
    "Governance officer": [
        "audits.view_chainlink",
        "audits.view_evidencepack",
        "audits.request_evidencepack",
    ],
    "Auditor": [
        "audits.view_chainlink",
        "audits.view_evidencepack",
        "audits.request_evidencepack",
    ],
}


def forwards(apps, schema_editor):
    from aims.roles import grant_role_permissions
    from audits.audit_trail import install_history_guard

    grant_role_permissions(apps, "audits", GRANTS)
    install_history_guard()


class Migration(migrations.Migration):
    dependencies = [("audits", "0003_evidence_pack")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
