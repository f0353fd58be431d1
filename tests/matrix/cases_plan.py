"""Role-matrix rows of the 90-day plan (audits/plan/urls.py, audits/plan/api/urls.py).

Officers run the plan (generate, add, drop, reassign); a task's owner (here the world's
system owner) sees the plan's pages with their own tasks and starts or finishes them;
auditors read everything and write nothing; anyone else is refused the plan (403) and does
not find a task (404)."""

from datetime import timedelta

from django.utils import timezone

from audits.models import ControlStatement, PlanTask
from audits.plan import services as plan_services
from audits.soa import services as soa_services

from .framework import API_LOGGED_IN, Case, expect
from .world import World

# fmt: off
#                                anonymous nobody owner other_owner officer approver auditor
PLAN_READ               = expect("login    403    ok    403         ok      403      ok")
PLAN_RUN                = expect("login    403    403   403         ok      403      403")
TASK_READ               = expect("login    404    ok    404         ok      404      ok")
TASK_WORK               = expect("login    404    ok    404         ok      404      403")
TASK_OFFICER            = expect("login    404    403   404         ok      404      403")
API_PLAN_READ           = expect("401      403    ok    403         ok      403      ok")
API_PLAN_RUN            = expect("401      403    403   403         ok      403      403")
API_TASK_READ           = expect("401      404    ok    404         ok      404      ok")
API_TASK_WORK           = expect("401      404    ok    404         ok      404      403")
API_TASK_OFFICER        = expect("401      404    403   404         ok      404      403")
# fmt: on

TITLE = "Matrix plan task"


def task(w: World) -> PlanTask:
    """A task of the plan owned by the world's system owner, added by the officer."""
    return w.once(
        "_plan_task",
        lambda: plan_services.task_create(
            actor=w.officer,
            title=TITLE,
            phase=1,
            owner=w.owner,
            due_date=timezone.localdate() + timedelta(days=10),
        ),
    )


def task_pk(w: World) -> dict:
    return {"pk": task(w).pk}


def shows_task(w: World) -> str:
    task(w)
    return TITLE


def assessed(w: World) -> None:
    """A gap assessment on the SoA, so the plan can be generated."""
    w.once(
        "_plan_assessed",
        lambda: soa_services.statement_update(
            actor=w.officer,
            statement=ControlStatement.objects.get(item__code="4.1"),
            data={"implementation_status": "planned"},
        ),
    )


def tasks(w: World) -> int:
    return PlanTask.objects.count()


def state(w: World) -> tuple:
    return PlanTask.objects.values_list("status", "owner_id", "due_date").get(pk=task(w).pk)


def due() -> str:
    return (timezone.localdate() + timedelta(days=20)).isoformat()


def new_task(w: World) -> dict:
    return {"title": "Matrix hand task", "phase": 2, "owner": w.owner.pk, "due_date": due()}


CASES = [
    Case("plan:progress", "GET", PLAN_READ, setup=task, marker=shows_task),
    Case("plan:task_export", "GET", PLAN_READ, setup=task, marker=shows_task),
    Case("plan:task_export_xlsx", "GET", PLAN_READ, setup=task),
    Case("plan:generate", "POST", PLAN_RUN, setup=assessed, effect=tasks, data=lambda w: {}),
    Case("plan:task_add", "GET", PLAN_RUN),
    Case("plan:task_add", "POST", PLAN_RUN, effect=tasks, data=new_task),
    Case("plan:task_detail", "GET", TASK_READ, kwargs=task_pk),
    Case("plan:task_start", "POST", TASK_WORK, kwargs=task_pk, effect=state),
    Case("plan:task_done", "POST", TASK_WORK, kwargs=task_pk, effect=state,
         data=lambda w: {"done-note": "Matrix"}),
    Case("plan:task_drop", "POST", TASK_OFFICER, kwargs=task_pk, effect=state,
         data=lambda w: {"drop-note": "Matrix"}),
    Case("plan:task_reassign", "POST", TASK_OFFICER, kwargs=task_pk, effect=state,
         data=lambda w: {"reassign-owner": w.owner.pk, "reassign-due_date": due()}),
    Case("api:plantask-list", "GET", API_LOGGED_IN, setup=task),
    Case("api:plantask-list", "POST", API_PLAN_RUN, effect=tasks, data=new_task),
    Case("api:plantask-detail", "GET", API_TASK_READ, kwargs=task_pk),
    Case("api:plantask-detail", "PATCH", API_TASK_OFFICER, kwargs=task_pk, effect=state,
         data=lambda w: {"due_date": due()}),
    Case("api:plantask-start", "POST", API_TASK_WORK, kwargs=task_pk, effect=state),
    Case("api:plantask-done", "POST", API_TASK_WORK, kwargs=task_pk, effect=state,
         data=lambda w: {"note": "Matrix"}),
    Case("api:plantask-drop", "POST", API_TASK_OFFICER, kwargs=task_pk, effect=state,
         data=lambda w: {"note": "Matrix"}),
    Case("api:plan-generate", "POST", API_PLAN_RUN, setup=assessed, effect=tasks,
         data=lambda w: {}),
    Case("api:plan-progress", "GET", API_PLAN_READ, setup=task),
]  # fmt: skip
