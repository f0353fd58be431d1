"""Reminders of plan tasks: a task still to do (open or in progress) reaches its owner as its
due date nears and once it is overdue (found by aims.reminders.sweep.run_sweep through
audits.reminders)."""

from collections.abc import Iterator
from datetime import date

from aims.reminders.sources import Due, ReminderSource, horizon, url_for

from .models import PlanTask

KIND = "plan-task"


def plan_tasks(today: date, lead_days: int) -> Iterator[Due]:
    link = url_for("plan:task_detail")
    rows = PlanTask.objects.filter(
        status__in=PlanTask.WORKING, due_date__lte=horizon(today, lead_days)
    ).values_list("pk", "title", "owner_id", "due_date")
    for pk, title, owner_id, due_date in rows:
        reference = PlanTask(pk=pk).reference
        yield Due(
            recipient_id=owner_id,
            kind=KIND,
            title=f"{reference} of the 90-day plan: {title}",
            link=link(pk),
            due_date=due_date,
            key=str(pk),
        )


SOURCES = [
    ReminderSource(
        KIND,
        "90-day plan tasks",
        7,
        plan_tasks,
        "The due date of tasks of the 90-day plan not yet done or dropped, to the task's owner.",
    ),
]
