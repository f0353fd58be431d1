"""Snapshot the links that existed before relations had history (see
aims.history.record_relation_baseline). Adds history rows only; reversing removes nothing,
history being append-only."""

from django.db import migrations

from aims.history import record_relation_baseline

RELATIONS = [
    ("Incident", ["systems"]),
]


def baseline(apps, schema_editor):
    for model_name, fields in RELATIONS:
        record_relation_baseline(apps, "incidents", model_name, fields)


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0006_relation_history"),
        ("aims", "0010_relation_history_baseline"),
    ]

    operations = [migrations.RunPython(baseline, migrations.RunPython.noop)]
