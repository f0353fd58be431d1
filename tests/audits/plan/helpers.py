"""Helpers of the 90-day plan tests: a gap assessment recorded on the SoA."""

from audits.models import ControlStatement, PlanTask
from audits.soa import services as soa_services


def statement(code: str) -> ControlStatement:
    return ControlStatement.objects.select_related("item").get(item__code=code)


def record(officer, code: str, **data) -> ControlStatement:
    return soa_services.statement_update(actor=officer, statement=statement(code), data=data)


def assess(officer, owner=None) -> None:
    """A small gap assessment: most items still not started, a few further along."""
    record(officer, "4.1", implementation_status="planned", **({"owner": owner} if owner else {}))
    record(officer, "4.2", implementation_status="implemented", owner=officer)
    record(officer, "5.2", implementation_status="partial")
    record(officer, "A.2.2", implementation_status="partial")
    record(officer, "A.6.2.6", applicable=False, justification="We build no AI systems ourselves.")


def task_of(code: str) -> PlanTask:
    return PlanTask.objects.get(item__code=code)
