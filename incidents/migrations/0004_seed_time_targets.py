"""Seed one IncidentTimeTarget per severity from the built-in targets merged with the
INCIDENT_TIME_TARGETS setting, so a deployment that configured its own targets keeps them.

The built-in targets are frozen here (incidents.models.DEFAULT_TIME_TARGETS may change later).
A configured value the records cannot hold stops the migration with the reason, rather than
being replaced silently by another number. Existing records are left as officers set them.
No history row is written: history starts with the first change by an officer.
"""

from django.conf import settings
from django.db import migrations

DEFAULTS = {
    "sev1": {"acknowledge": 1, "contain": 4, "resolve": 72},
    "sev2": {"acknowledge": 4, "contain": 24, "resolve": 168},
    "sev3": {"acknowledge": 24, "contain": 72, "resolve": 336},
    "sev4": {"acknowledge": 72, "contain": 168, "resolve": 720},
}
STAGES = ("acknowledge", "contain", "resolve")
MAX_HOURS = 8760


def seed_values() -> dict[str, dict[str, int]]:
    configured = getattr(settings, "INCIDENT_TIME_TARGETS", None) or {}
    merged = {sev: {**DEFAULTS[sev], **configured.get(sev, {})} for sev in DEFAULTS}
    for sev, hours in merged.items():
        values = [hours[stage] for stage in STAGES]
        whole = all(isinstance(v, int) and not isinstance(v, bool) for v in values)
        if not whole or not 1 <= values[0] <= values[1] <= values[2] <= MAX_HOURS:
            raise ValueError(
                f"INCIDENT_TIME_TARGETS[{sev!r}] gives {hours}: time targets are whole hours "
                f"from 1 to {MAX_HOURS} with acknowledge <= contain <= resolve. Correct or "
                "remove the setting and run migrate again."
            )
    return merged


def forwards(apps, schema_editor):
    target_model = apps.get_model("incidents", "IncidentTimeTarget")
    for sev, hours in seed_values().items():
        target_model.objects.get_or_create(
            severity=sev,
            defaults={f"{stage}_hours": hours[stage] for stage in STAGES},
        )


class Migration(migrations.Migration):
    dependencies = [("incidents", "0003_incident_time_target")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
