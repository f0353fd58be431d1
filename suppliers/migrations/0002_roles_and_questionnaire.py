"""Grant the suppliers app's model permissions to the roles (a frozen copy of
suppliers/roles.py) and seed the due-diligence questionnaire."""

from django.db import migrations

GRANTS = {'Governance officer': ['suppliers.view_supplier',
                        'suppliers.view_reviewquestion',
                        'suppliers.view_supplierreview',
                        'suppliers.view_reviewanswer',
                        'suppliers.view_vendorchangenotice',
                        'suppliers.view_vendorchangeimpact',
                        'suppliers.add_supplier',
                        'suppliers.change_supplier',
                        'suppliers.approve_supplier',
                        'suppliers.manage_supplier_status',
                        'suppliers.add_reviewquestion',
                        'suppliers.change_reviewquestion',
                        'suppliers.add_supplierreview',
                        'suppliers.change_supplierreview',
                        'suppliers.change_reviewanswer',
                        'suppliers.add_vendorchangenotice',
                        'suppliers.change_vendorchangeimpact'],
 'Approver': ['suppliers.view_supplier',
              'suppliers.view_reviewquestion',
              'suppliers.view_supplierreview',
              'suppliers.view_reviewanswer',
              'suppliers.view_vendorchangenotice',
              'suppliers.view_vendorchangeimpact',
              'suppliers.approve_supplier'],
 'System owner': ['suppliers.view_supplier', 'suppliers.view_vendorchangenotice'],
 'Auditor': ['suppliers.view_supplier',
             'suppliers.view_reviewquestion',
             'suppliers.view_supplierreview',
             'suppliers.view_reviewanswer',
             'suppliers.view_vendorchangenotice',
             'suppliers.view_vendorchangeimpact']}

# A starting questionnaire, one or more questions per topic; officers edit it in the app.
QUESTIONS = [
    ("data_use", "Does the contract forbid the vendor from training on our data?", 5),
    ("data_use", "Are retention periods and the processing locations stated?", 3),
    ("security", "Does the vendor hold a current ISO/IEC 27001 certificate or SOC 2 report?", 4),
    ("security", "Are our inputs and outputs encrypted in transit and at rest?", 3),
    ("model_transparency", "Does the vendor publish model documentation (a model card)?", 3),
    ("model_transparency", "Are known limitations and evaluation results disclosed?", 2),
    ("change_management", "Does the vendor give advance notice of model changes?", 5),
    ("change_management", "Can we pin a model version and choose when to upgrade?", 4),
    ("incident_notification", "Will the vendor notify us of incidents within an agreed time?", 4),
    ("continuity", "Is there a documented exit plan, with our data returned on request?", 3),
    ("continuity", "Does the service have a stated availability commitment?", 2),
    ("compliance", "Does the vendor support our legal obligations (e.g. the EU AI Act)?", 4),
]


def forwards(apps, schema_editor):
    from aims.roles import grant_role_permissions

    grant_role_permissions(apps, "suppliers", GRANTS)
    question = apps.get_model("suppliers", "ReviewQuestion")
    if not question.objects.exists():
        for position, (topic, text, weight) in enumerate(QUESTIONS):
            question.objects.create(topic=topic, text=text, weight=weight, position=position)


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0001_initial"), ("aims", "0002_roles")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
