"""Writes of reminders: rule lead times, beat schedules, and a sweep on request.

The periodic tasks live in the database (django-celery-beat's DatabaseScheduler), so
officers change them without a deployment. :func:`ensure_schedules` creates the project's
schedules when they are missing and never touches one that exists: an officer's change
survives every migrate and restart.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from aims.history import stamp
from aims.models import ReminderRule
from aims.outbox.services import publish_on_commit
from aims.permissions import require
from aims.reminders.schedules import ScheduleChoice, describe_crontab

logger = logging.getLogger(__name__)

SWEEP_TASK = "aims.tasks.run_reminder_sweep"
MAX_LEAD_DAYS = 365


@dataclass(frozen=True)
class Schedule:
    name: str
    task: str
    minute: str
    hour: str
    description: str


# The project's periodic tasks, created once; edited afterwards in /reminders/.
SCHEDULES = (
    Schedule(
        name="Daily reminder sweep",
        task="aims.tasks.run_reminder_sweep",
        minute="0",
        hour="6",
        description="Notifies everyone of what is due and sends each person one digest email.",
    ),
    Schedule(
        name="Monitoring staleness check",
        task="incidents.tasks.check_metric_staleness",
        minute="*/5",
        hour="*",
        description="Raises an alert on every monitoring metric that has gone silent.",
    ),
    Schedule(
        name="Audit-trail checkpoint",
        task="audits.tasks.sign_trail_checkpoint",
        minute="30",
        hour="2",
        description="Signs the audit trail's head, so a later wipe of history is detected.",
    ),
    Schedule(
        name="Overdue certification findings",
        task="audits.tasks.escalate_overdue_external_findings",
        minute="15",
        hour="6",
        description="Tells the governance officers, once, of each finding of the "
        "certification body past its response deadline.",
    ),
    Schedule(
        name="Daily trends snapshot",
        task="aims.tasks.take_daily_snapshot",
        minute="55",
        hour="23",
        description="Records the day's key figures for the dashboard's trends and the summary.",
    ),
    Schedule(
        name="Certification auditor access sweep",
        task="audits.tasks.sweep_auditor_accesses",
        minute="5",
        hour="0",
        description="Takes the view of the sampled AI systems from auditors whose access ended.",
    ),
    Schedule(
        name="Model registry sync",
        task="inventory.tasks.sync_model_registry_links",
        minute="*/15",
        hour="*",
        description="Reads the MLflow models that components follow and reports each new "
        "version, or alias or stage moved, as a model change once.",
    ),
    Schedule(
        name="Background task recovery",
        task="aims.tasks.recover_background_tasks",
        minute="*",
        hour="*",
        description="Sends the tasks the broker refused while it was down, and builds again "
        "the evidence packs whose worker stopped.",
    ),
)


@transaction.atomic
def reminder_rule_update(
    *, actor, rule: ReminderRule, lead_days: int, enabled: bool
) -> ReminderRule:
    """Change how far ahead a kind of reminder is sent, or switch it off."""
    require(actor, "aims.change_reminderrule", message="Only governance officers change reminders.")
    rule = ReminderRule.objects.select_for_update().get(pk=rule.pk)
    if not 0 <= lead_days <= MAX_LEAD_DAYS:
        raise ValidationError({"lead_days": [f"Give a number of days from 0 to {MAX_LEAD_DAYS}."]})
    if rule.lead_days == lead_days and rule.enabled == enabled:
        return rule
    changes = []
    if rule.lead_days != lead_days:
        changes.append(f"lead time {rule.lead_days} -> {lead_days} days")
    if rule.enabled != enabled:
        changes.append("enabled" if enabled else "disabled")
    rule.lead_days, rule.enabled = lead_days, enabled
    rule.full_clean()
    stamp(rule, actor=actor, reason=f"Reminder rule changed: {', '.join(changes)}")
    rule.save()
    return rule


def _schedule_models():
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    return CrontabSchedule, PeriodicTask


@transaction.atomic
def schedule_update(*, actor, task, enabled: bool, choice: ScheduleChoice | None = None):
    """Switch a periodic task on or off, or make it run as ``choice`` says ("every 15
    minutes", "every day at 06:00"...); no choice keeps the times it has.

    Crontab rows may be shared by several tasks, so a new time points the task at the
    matching crontab (created if needed) instead of editing the shared row.
    """
    require(
        actor,
        "django_celery_beat.change_periodictask",
        message="Only governance officers change schedules.",
    )
    CrontabSchedule, PeriodicTask = _schedule_models()
    task = (
        PeriodicTask.objects.select_for_update(of=("self",))
        .select_related("crontab")
        .get(pk=task.pk)
    )
    if task.crontab is None:
        raise ValidationError("This task does not run on a time of day; change it in the admin.")
    current = task.crontab
    spec = choice.crontab() if choice is not None else None
    if spec is not None and any(getattr(current, k) != v for k, v in spec.items()):
        require(
            actor,
            "django_celery_beat.add_crontabschedule",
            message="Only governance officers change schedules.",
        )
        spec["timezone"] = current.timezone
        crontab = CrontabSchedule.objects.filter(**spec).first()
        if crontab is None:
            crontab = CrontabSchedule(**spec)
            crontab.full_clean()
            crontab.save()
        task.crontab = crontab
    task.enabled = enabled
    task.full_clean()
    task.save()
    logger.info(
        "Schedule '%s' set by %s: %s, %s",
        task.name,
        actor,
        "on" if enabled else "off",
        describe_crontab(task.crontab),
    )
    return task


def ensure_schedules(*, using: str = "default") -> list[str]:
    """Create the project's periodic tasks that do not exist yet; answer their names.

    Idempotent. An existing task (matched by name) is left exactly as an officer left it.
    """
    from django.db import connections

    CrontabSchedule, PeriodicTask = _schedule_models()
    tables = connections[using].introspection.table_names()
    if PeriodicTask._meta.db_table not in tables or CrontabSchedule._meta.db_table not in tables:
        return []  # django_celery_beat not migrated (yet) on this database
    created = []
    with transaction.atomic(using=using):
        existing = set(
            PeriodicTask.objects.using(using)
            .filter(name__in=[s.name for s in SCHEDULES])
            .values_list("name", flat=True)
        )
        for schedule in SCHEDULES:
            if schedule.name in existing:
                continue
            crontab, _ = CrontabSchedule.objects.using(using).get_or_create(
                minute=schedule.minute,
                hour=schedule.hour,
                day_of_week="*",
                day_of_month="*",
                month_of_year="*",
                timezone=settings.CELERY_TIMEZONE,
            )
            PeriodicTask.objects.using(using).create(
                name=schedule.name,
                task=schedule.task,
                crontab=crontab,
                description=schedule.description,
            )
            created.append(schedule.name)
    return created


def sweep_request(*, actor) -> dict | None:
    """Run the sweep now: queued for a worker when a broker is configured, else in-process.

    Answers the sweep's summary when it ran here, None when it was queued.
    """
    require(actor, "aims.change_reminderrule", message="Only governance officers run the sweep.")
    from aims.tasks import run_reminder_sweep

    if run_reminder_sweep.app.conf.task_always_eager:
        return run_reminder_sweep.apply().get()
    # Through the outbox, never waiting on the result store: a broker that is down keeps the
    # request short and the sweep runs when it is back (the sweep is safe to run twice).
    publish_on_commit(SWEEP_TASK, [], key="aims.reminder_sweep")
    logger.info("Reminder sweep requested by %s", actor)
    return None
