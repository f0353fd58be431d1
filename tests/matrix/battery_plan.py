"""History battery entries of the 90-day plan: a task added by hand, and the plan generated
from a gap assessment (one statement of the SoA recorded as planned)."""

from datetime import timedelta

from django.utils import timezone

from audits.models import ControlStatement, Plan, PlanTask
from audits.plan import services as plan_services
from audits.soa import services as soa_services

from .battery_framework import Entry, api, by_id


def due() -> str:
    return (timezone.localdate() + timedelta(days=10)).isoformat()


def assessed(w) -> None:
    soa_services.statement_update(
        actor=w.officer,
        statement=ControlStatement.objects.get(item__code="4.1"),
        data={"implementation_status": "planned"},
    )


def generate(w) -> Plan:
    assessed(w)
    return plan_services.generate_plan(actor=w.officer).plan


def api_generate(w):
    assessed(w)
    return ("post", api("plan-generate"), {}, "json")


BATTERY = {
    PlanTask: Entry(
        actor="officer",
        stage="approved_for_development",
        create=lambda w: plan_services.task_create(
            actor=w.officer,
            title="Battery task",
            phase=1,
            owner=w.owner,
            due_date=timezone.localdate() + timedelta(days=10),
        ),
        api_create=lambda w: (
            "post",
            api("plantask-list"),
            {"title": "Battery task", "phase": 1, "owner": w.owner.pk, "due_date": due()},
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("plantask-list"),
            {"title": "", "phase": 9, "owner": w.owner.pk, "due_date": due()},
            "json",
        ),
        api_result=by_id(PlanTask),
    ),
    Plan: Entry(
        actor="officer",
        stage="approved_for_development",
        create=generate,
        api_create=api_generate,
        api_bad=lambda w: ("post", api("plan-generate"), {"start": "not a date"}, "json"),
        api_result=lambda body: Plan.objects.get(),
    ),
}
