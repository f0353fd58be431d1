"""Grant the incident time-target permissions: every role reads the targets, governance
officers change them (frozen copy of incidents/roles.py; tests check the DB equals the
declaration)."""

from django.db import migrations

OWNER_WRITE = [
    "incidents.add_incident",
    "incidents.change_incident",
    "incidents.add_metric",
    "incidents.change_metric",
    "incidents.add_observation",
]
VIEW_ALL = [
    "incidents.view_incident",
    "incidents.view_metric",
    "incidents.view_incidenttimetarget",
]
GRANTS = {
    "Governance officer": [
        *VIEW_ALL,
        *OWNER_WRITE,
        "incidents.report_serious_incident",
        "incidents.change_incidenttimetarget",
    ],
    "Approver": list(VIEW_ALL),
    "System owner": [*OWNER_WRITE, "incidents.view_incidenttimetarget"],
    "Auditor": list(VIEW_ALL),
}


def forwards(apps, schema_editor):
    from aims.roles import grant_role_permissions

    grant_role_permissions(apps, "incidents", GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0004_seed_time_targets"),
        ("aims", "0002_roles"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
