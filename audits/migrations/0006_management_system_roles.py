"""Grant the catalogue, SoA, internal-audit and management-review permissions (frozen;
tests check they equal audits/roles.py)."""

from django.db import migrations

GRANTS = {   'Approver': [   'audits.approve_soaversion',
                    'audits.view_auditprogramme',
                    'audits.view_catalogueitem',
                    'audits.view_checklistitem',
                    'audits.view_controlstatement',
                    'audits.view_crosswalk',
                    'audits.view_finding',
                    'audits.view_internalaudit',
                    'audits.view_managementreview',
                    'audits.view_reviewaction',
                    'audits.view_soaversion'],
    'Auditor': [   'audits.request_evidencepack',
                   'audits.view_auditprogramme',
                   'audits.view_catalogueitem',
                   'audits.view_chainlink',
                   'audits.view_checklistitem',
                   'audits.view_controlstatement',
                   'audits.view_crosswalk',
                   'audits.view_evidencepack',
                   'audits.view_finding',
                   'audits.view_internalaudit',
                   'audits.view_managementreview',
                   'audits.view_reviewaction',
                   'audits.view_soaversion'],
    'Governance officer': [   'audits.add_auditprogramme',
                              'audits.add_checklistitem',
                              'audits.add_finding',
                              'audits.add_internalaudit',
                              'audits.add_managementreview',
                              'audits.add_reviewaction',
                              'audits.add_soaversion',
                              'audits.approve_soaversion',
                              'audits.change_auditprogramme',
                              'audits.change_checklistitem',
                              'audits.change_controlstatement',
                              'audits.change_finding',
                              'audits.change_internalaudit',
                              'audits.change_managementreview',
                              'audits.change_reviewaction',
                              'audits.request_evidencepack',
                              'audits.view_auditprogramme',
                              'audits.view_catalogueitem',
                              'audits.view_chainlink',
                              'audits.view_checklistitem',
                              'audits.view_controlstatement',
                              'audits.view_crosswalk',
                              'audits.view_evidencepack',
                              'audits.view_finding',
                              'audits.view_internalaudit',
                              'audits.view_managementreview',
                              'audits.view_reviewaction',
                              'audits.view_soaversion'],
    'System owner': [   'audits.view_catalogueitem',
                        'audits.view_controlstatement',
                        'audits.view_crosswalk']}


def forwards(apps, schema_editor):
    from aims.roles import grant_role_permissions
    from audits.audit_trail import install_history_guard

    grant_role_permissions(apps, "audits", GRANTS)
    install_history_guard()


class Migration(migrations.Migration):
    dependencies = [("audits", "0005_management_system")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
