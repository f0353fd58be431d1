"""Grant the inventory's model permissions to the roles and create the two gates."""

from django.db import migrations

GRANTS = {
    "Governance officer": [
        "inventory.view_aisystem",
        "inventory.view_component",
        "inventory.view_dataset",
        "inventory.view_approval",
        "inventory.view_validationrecord",
        "inventory.view_changerequest",
        "inventory.view_gatesetting",
        "inventory.add_component",
        "inventory.change_component",
        "inventory.delete_component",
        "inventory.add_dataset",
        "inventory.change_dataset",
        "inventory.delete_dataset",
        "inventory.add_validationrecord",
        "inventory.add_changerequest",
        "inventory.add_aisystem",
        "inventory.change_aisystem",
        "inventory.triage_aisystem",
        "inventory.change_gatesetting",
    ],
    "Approver": [
        "inventory.view_aisystem",
        "inventory.view_component",
        "inventory.view_dataset",
        "inventory.view_approval",
        "inventory.view_validationrecord",
        "inventory.view_changerequest",
        "inventory.view_gatesetting",
        "inventory.decide_gate",
        "inventory.add_approval",
    ],
    "System owner": [
        "inventory.add_component",
        "inventory.change_component",
        "inventory.delete_component",
        "inventory.add_dataset",
        "inventory.change_dataset",
        "inventory.delete_dataset",
        "inventory.add_validationrecord",
        "inventory.add_changerequest",
        "inventory.add_aisystem",
    ],
    "Auditor": [
        "inventory.view_aisystem",
        "inventory.view_component",
        "inventory.view_dataset",
        "inventory.view_approval",
        "inventory.view_validationrecord",
        "inventory.view_changerequest",
        "inventory.view_gatesetting",
    ],
}


def forwards(apps, schema_editor):
    from aims.roles import grant_role_permissions

    grant_role_permissions(apps, "inventory", GRANTS)
    gate_setting = apps.get_model("inventory", "GateSetting")
    for gate in ("intake", "release"):
        gate_setting.objects.get_or_create(gate=gate, defaults={"required_approvals": 1})


class Migration(migrations.Migration):
    dependencies = [("inventory", "0001_initial"), ("aims", "0002_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
