"""Role-matrix rows for reminders: the settings page (rules, schedules, run now), the rules
and sweep API, and the notification bell's unread count."""

from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from aims.models import Notification, ReminderRule
from aims.reminders.sources import ensure_rules
from inventory.models import AISystem

from .framework import API_GATE_READ, API_GATE_WRITE, API_LOGGED_IN, Case, expect
from .world import World

# fmt: off
#                                anonymous nobody owner other_owner officer approver auditor
RULES_READ              = expect("login    403    403   403         ok      ok       ok")
OFFICER_ONLY            = expect("login    403    403   403         ok      403      403")
# fmt: on

SWEEP_TASK = "aims.tasks.run_reminder_sweep"


def rule(w: World) -> ReminderRule:
    return ensure_rules()["risk-review"]


def rule_pk(w: World) -> dict:
    return {"pk": rule(w).pk}


def lead_days(w: World) -> int:
    return ReminderRule.objects.values_list("lead_days", flat=True).get(kind="risk-review")


def rules_form(w: World) -> dict:
    data = {}
    for r in ensure_rules().values():
        data[f"rule-{r.pk}-lead_days"] = 21 if r.kind == "risk-review" else r.lead_days
        if r.enabled:
            data[f"rule-{r.pk}-enabled"] = "on"
    return data


def sweep_schedule(w: World) -> tuple:
    task = PeriodicTask.objects.select_related("crontab").get(task=SWEEP_TASK)
    return task.crontab.hour, task.crontab.minute


def schedules_form(w: World) -> dict:
    """The sweep moved to 07:15 every day; every other task kept as it is."""
    data = {}
    for task in PeriodicTask.objects.select_related("crontab").exclude(crontab=None):
        moved = task.task == SWEEP_TASK
        data[f"task-{task.pk}-frequency"] = "daily" if moved else "keep"
        if moved:
            data[f"task-{task.pk}-at"] = "07:15"
        if task.enabled:
            data[f"task-{task.pk}-enabled"] = "on"
    return data


def review_due_today(w: World) -> None:
    AISystem.objects.filter(pk=w.system.pk).update(next_review_date=timezone.localdate())


def reminders_sent(w: World) -> int:
    return Notification.objects.exclude(dedupe_key="").count()


CASES = [
    Case("reminders:settings", "GET", RULES_READ),
    Case("reminders:settings", "POST", OFFICER_ONLY, data=rules_form, effect=lead_days),
    Case("reminders:schedules", "POST", OFFICER_ONLY, data=schedules_form,
         effect=sweep_schedule),
    Case("reminders:run", "POST", OFFICER_ONLY, data=lambda w: {}, setup=review_due_today,
         effect=reminders_sent),
    # --- API ---------------------------------------------------------------------------------
    Case("api:reminderrule-list", "GET", API_LOGGED_IN),
    Case("api:reminderrule-detail", "GET", API_GATE_READ, kwargs=rule_pk),
    Case("api:reminderrule-detail", "PATCH", API_GATE_WRITE, kwargs=rule_pk,
         data=lambda w: {"lead_days": 22}, effect=lead_days),
    Case("api:reminder-sweep", "POST", API_GATE_WRITE, data=lambda w: {},
         setup=review_due_today, effect=reminders_sent),
    Case("api:notification-unread-count", "GET", API_LOGGED_IN),
]  # fmt: skip
