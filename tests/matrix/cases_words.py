"""Role-matrix rows of "words, not internals": the schedules API, where officers choose when
the scheduled tasks run in words (every N minutes or hours, daily or weekly at a time)."""

from django_celery_beat.models import PeriodicTask

from aims.reminders.sources import ensure_rules

from .framework import API_GATE_WRITE, API_LOGGED_IN, Case, expect
from .world import World

# fmt: off
#                                anonymous nobody owner other_owner officer approver auditor
API_SCHEDULE_READ       = expect("401      404    404   404         ok      404      ok")
# fmt: on

SWEEP_TASK = "aims.tasks.run_reminder_sweep"


def sweep_pk(w: World) -> dict:
    ensure_rules()
    return {"pk": PeriodicTask.objects.get(task=SWEEP_TASK).pk}


def sweep_schedule(w: World) -> tuple:
    task = PeriodicTask.objects.select_related("crontab").get(task=SWEEP_TASK)
    return task.crontab.minute, task.crontab.hour


# --- words ------------------------------------------------------------------------------------
CASES = [
    Case("api:schedule-list", "GET", API_LOGGED_IN),
    Case("api:schedule-detail", "GET", API_SCHEDULE_READ, kwargs=sweep_pk),
    Case("api:schedule-detail", "PATCH", API_GATE_WRITE, kwargs=sweep_pk,
         data=lambda w: {"frequency": "minutes", "every": 15}, effect=sweep_schedule),
]  # fmt: skip
