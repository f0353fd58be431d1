"""One notice per vendor change (issue 13, part 8).

Notices gain ``change_key`` (model | from version | to version), unique per supplier; impacts
gain an officer's confirmation of "no impact"; sightings of a change on components become
VendorChangeObservation rows; officers get the permission to confirm.

Existing data may hold the same change recorded twice (before this rule, each component on
which a change was seen made its own notice). The data step gives the key to the oldest
notice of each change only; later duplicates keep an empty key, which the constraint
tolerates, and stay as they were recorded -- with their impacts and history -- so the audit
trail is untouched. New sightings of that change attach to the oldest notice.
"""

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


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
                        'suppliers.change_vendorchangeimpact',
                        'suppliers.confirm_vendorchangeimpact'],
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


def _normalised(value):
    return " ".join((value or "").split()).casefold()


def key_existing_notices(apps, schema_editor):
    """The oldest notice of each change gets the key; duplicates keep "" (see above)."""
    notice_model = apps.get_model("suppliers", "VendorChangeNotice")
    seen = set()
    rows = notice_model.objects.exclude(observed_identifier="").order_by("created_at", "id")
    for notice in rows.iterator():
        model = notice.affected_service
        if notice.detection_key:  # detected: the model is the identifier recorded before
            model = notice.previous_identifier or notice.observed_identifier
        key = "|".join(
            _normalised(v) for v in (model, notice.previous_identifier, notice.observed_identifier)
        )[:500]
        if (notice.supplier_id, key) in seen:
            continue
        seen.add((notice.supplier_id, key))
        # No history row: rows written during migrate belong to the migrated state.
        notice_model.objects.filter(pk=notice.pk).update(change_key=key)


def grant(apps, schema_editor):
    from aims.roles import grant_role_permissions

    grant_role_permissions(apps, "suppliers", GRANTS)


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('suppliers', '0002_roles_and_questionnaire'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalVendorChangeObservation',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('created_at', models.DateTimeField(blank=True, db_index=True, editable=False)),
                ('updated_at', models.DateTimeField(blank=True, editable=False)),
                ('detection_key', models.CharField(db_index=True, editable=False, max_length=300)),
                ('target_id', models.PositiveBigIntegerField()),
                ('label', models.CharField(editable=False, help_text='The component as it was named when seen.', max_length=300)),
                ('previous_identifier', models.CharField(blank=True, editable=False, max_length=200)),
                ('observed_identifier', models.CharField(editable=False, max_length=200)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical vendor change observation',
                'verbose_name_plural': 'historical vendor change observations',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='VendorChangeObservation',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('detection_key', models.CharField(editable=False, max_length=300, unique=True)),
                ('target_id', models.PositiveBigIntegerField()),
                ('label', models.CharField(editable=False, help_text='The component as it was named when seen.', max_length=300)),
                ('previous_identifier', models.CharField(blank=True, editable=False, max_length=200)),
                ('observed_identifier', models.CharField(editable=False, max_length=200)),
            ],
            options={
                'verbose_name': 'vendor change observation',
                'ordering': ['notice_id', 'created_at', 'id'],
            },
        ),
        migrations.AlterModelOptions(
            name='vendorchangeimpact',
            options={'ordering': ['notice_id', 'system_id', 'id'], 'permissions': [('confirm_vendorchangeimpact', "Can confirm or send back an owner's 'no impact' on a high-tier system")]},
        ),
        migrations.AddField(
            model_name='historicalvendorchangeimpact',
            name='confirmed_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='historicalvendorchangeimpact',
            name='confirmed_by',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, help_text="The officer who confirmed 'no impact' on a high-tier system.", null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalvendorchangeimpact',
            name='officer_note',
            field=models.TextField(blank=True, editable=False, help_text="The officer's reason for confirming or sending back a 'no impact'."),
        ),
        migrations.AddField(
            model_name='historicalvendorchangenotice',
            name='change_key',
            field=models.CharField(blank=True, editable=False, help_text="Model, from version and to version, normalised: one notice per change of a supplier's model. Empty for changes without a new version (terms, outages).", max_length=500),
        ),
        migrations.AddField(
            model_name='vendorchangeimpact',
            name='confirmed_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='vendorchangeimpact',
            name='confirmed_by',
            field=models.ForeignKey(blank=True, editable=False, help_text="The officer who confirmed 'no impact' on a high-tier system.", null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='vendorchangeimpact',
            name='officer_note',
            field=models.TextField(blank=True, editable=False, help_text="The officer's reason for confirming or sending back a 'no impact'."),
        ),
        migrations.AddField(
            model_name='vendorchangenotice',
            name='change_key',
            field=models.CharField(blank=True, editable=False, help_text="Model, from version and to version, normalised: one notice per change of a supplier's model. Empty for changes without a new version (terms, outages).", max_length=500),
        ),
        migrations.AlterField(
            model_name='historicalvendorchangeimpact',
            name='assessment',
            field=models.CharField(choices=[('pending', "Awaiting the owner's assessment"), ('no_impact_proposed', 'No impact (awaiting officer confirmation)'), ('no_impact', 'No impact'), ('revalidate', 'Re-validate'), ('reapprove', 'Re-approve')], default='pending', editable=False, max_length=20),
        ),
        migrations.AlterField(
            model_name='historicalvendorchangenotice',
            name='observed_identifier',
            field=models.CharField(blank=True, help_text='The model identifier or version after the change. With it, the change is recorded once: the same change seen again is added to this notice.', max_length=200, verbose_name='to version'),
        ),
        migrations.AlterField(
            model_name='historicalvendorchangenotice',
            name='previous_identifier',
            field=models.CharField(blank=True, help_text='The model identifier or version in use before the change, if known.', max_length=200, verbose_name='from version'),
        ),
        migrations.AlterField(
            model_name='vendorchangeimpact',
            name='assessment',
            field=models.CharField(choices=[('pending', "Awaiting the owner's assessment"), ('no_impact_proposed', 'No impact (awaiting officer confirmation)'), ('no_impact', 'No impact'), ('revalidate', 'Re-validate'), ('reapprove', 'Re-approve')], default='pending', editable=False, max_length=20),
        ),
        migrations.AlterField(
            model_name='vendorchangenotice',
            name='observed_identifier',
            field=models.CharField(blank=True, help_text='The model identifier or version after the change. With it, the change is recorded once: the same change seen again is added to this notice.', max_length=200, verbose_name='to version'),
        ),
        migrations.AlterField(
            model_name='vendorchangenotice',
            name='previous_identifier',
            field=models.CharField(blank=True, help_text='The model identifier or version in use before the change, if known.', max_length=200, verbose_name='from version'),
        ),
        migrations.RunPython(key_existing_notices, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='vendorchangenotice',
            constraint=models.UniqueConstraint(condition=models.Q(('change_key', ''), _negated=True), fields=('supplier', 'change_key'), name='one_notice_per_vendor_change'),
        ),
        migrations.AddField(
            model_name='historicalvendorchangeobservation',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalvendorchangeobservation',
            name='notice',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='suppliers.vendorchangenotice'),
        ),
        migrations.AddField(
            model_name='historicalvendorchangeobservation',
            name='reported_by',
            field=models.ForeignKey(blank=True, db_constraint=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalvendorchangeobservation',
            name='target_type',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='contenttypes.contenttype'),
        ),
        migrations.AddField(
            model_name='vendorchangeobservation',
            name='notice',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='observations', to='suppliers.vendorchangenotice'),
        ),
        migrations.AddField(
            model_name='vendorchangeobservation',
            name='reported_by',
            field=models.ForeignKey(editable=False, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='vendorchangeobservation',
            name='target_type',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='contenttypes.contenttype'),
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
