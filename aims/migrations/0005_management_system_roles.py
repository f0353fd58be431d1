"""Grant the management-system (clauses 4-7) and reminder-schedule permissions.

The grants are frozen here; tests check they equal aims/roles.py, and
``manage.py sync_roles`` re-applies the current declaration.
"""

from django.db import migrations

GRANTS = {   'Approver': [   'aims.add_evidence',
                    'aims.approve_policy',
                    'aims.view_aimsscope',
                    'aims.view_contextissue',
                    'aims.view_correctiveaction',
                    'aims.view_course',
                    'aims.view_evidence',
                    'aims.view_interestedparty',
                    'aims.view_objective',
                    'aims.view_objectiveupdate',
                    'aims.view_policy',
                    'aims.view_policyacknowledgement',
                    'aims.view_policyversion',
                    'aims.view_reminderrule',
                    'aims.view_responsibility',
                    'aims.view_responsibilityassignment',
                    'aims.view_trainingrecord'],
    'Auditor': [   'aims.view_aimsscope',
                   'aims.view_contextissue',
                   'aims.view_correctiveaction',
                   'aims.view_course',
                   'aims.view_evidence',
                   'aims.view_interestedparty',
                   'aims.view_objective',
                   'aims.view_objectiveupdate',
                   'aims.view_policy',
                   'aims.view_policyacknowledgement',
                   'aims.view_policyversion',
                   'aims.view_reminderrule',
                   'aims.view_responsibility',
                   'aims.view_responsibilityassignment',
                   'aims.view_trainingrecord'],
    'Governance officer': [   'aims.add_aimsscope',
                              'aims.add_contextissue',
                              'aims.add_correctiveaction',
                              'aims.add_course',
                              'aims.add_evidence',
                              'aims.add_interestedparty',
                              'aims.add_objective',
                              'aims.add_objectiveupdate',
                              'aims.add_policy',
                              'aims.add_policyversion',
                              'aims.add_responsibility',
                              'aims.add_responsibilityassignment',
                              'aims.add_trainingrecord',
                              'aims.approve_policy',
                              'aims.change_aimsscope',
                              'aims.change_contextissue',
                              'aims.change_correctiveaction',
                              'aims.change_course',
                              'aims.change_evidence',
                              'aims.change_interestedparty',
                              'aims.change_objective',
                              'aims.change_objectiveupdate',
                              'aims.change_policy',
                              'aims.change_policyversion',
                              'aims.change_reminderrule',
                              'aims.change_responsibility',
                              'aims.change_responsibilityassignment',
                              'aims.change_trainingrecord',
                              'aims.delete_contextissue',
                              'aims.delete_evidence',
                              'aims.delete_interestedparty',
                              'aims.grant_training_exception',
                              'aims.verify_correctiveaction',
                              'aims.view_aimsscope',
                              'aims.view_contextissue',
                              'aims.view_correctiveaction',
                              'aims.view_course',
                              'aims.view_evidence',
                              'aims.view_interestedparty',
                              'aims.view_objective',
                              'aims.view_objectiveupdate',
                              'aims.view_policy',
                              'aims.view_policyacknowledgement',
                              'aims.view_policyversion',
                              'aims.view_reminderrule',
                              'aims.view_responsibility',
                              'aims.view_responsibilityassignment',
                              'aims.view_trainingrecord'],
    'System owner': [   'aims.add_correctiveaction',
                        'aims.add_evidence',
                        'aims.change_correctiveaction',
                        'aims.view_aimsscope',
                        'aims.view_course',
                        'aims.view_objective',
                        'aims.view_policy',
                        'aims.view_policyversion',
                        'aims.view_responsibility']}

SCHEDULE_GRANTS = {   'Auditor': [   'django_celery_beat.view_crontabschedule',
                   'django_celery_beat.view_periodictask'],
    'Governance officer': [   'django_celery_beat.add_crontabschedule',
                              'django_celery_beat.change_crontabschedule',
                              'django_celery_beat.change_periodictask',
                              'django_celery_beat.view_crontabschedule',
                              'django_celery_beat.view_periodictask']}


def forwards(apps, schema_editor):
    from aims.roles import grant_role_permissions

    grant_role_permissions(apps, "aims", GRANTS)
    grant_role_permissions(apps, "django_celery_beat", SCHEDULE_GRANTS)


class Migration(migrations.Migration):
    dependencies = [
        ("aims", "0004_management_system"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
