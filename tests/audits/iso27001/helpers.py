"""Helpers of the ISO/IEC 27001 tests."""

from datetime import date

from aims.evidence.services import evidence_create
from aims.models import Evidence
from audits.iso27001 import services
from audits.models import ControlMapping, ControlStatement, SecurityControl


def control(code: str) -> SecurityControl:
    return SecurityControl.objects.get(code=code)


def suggestion(control_code: str, item_code: str) -> ControlMapping:
    return ControlMapping.objects.get(
        security_control__code=control_code, item__code=item_code, status="proposed"
    )


def statement(code: str) -> ControlStatement:
    return ControlStatement.objects.select_related("item").get(item__code=code)


def attach(officer, code: str, *, valid_until: date | None = None, title="Log review") -> Evidence:
    return evidence_create(
        actor=officer,
        target=control(code),
        title=title,
        url="https://example.org/log-review",
        valid_until=valid_until,
    )


def implement(officer, code: str, status: str = "implemented") -> SecurityControl:
    return services.control_update(
        actor=officer, control=control(code), data={"implementation_status": status}
    )


def make_42001_ready_but_evidence(officer, code: str) -> ControlStatement:
    """Owner and implemented on the 42001 statement; its own evidence is missing."""
    from audits.soa import services as soa_services

    return soa_services.statement_update(
        actor=officer,
        statement=statement(code),
        data={"owner": officer, "implementation_status": "implemented"},
    )
