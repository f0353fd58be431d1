"""History battery entries of the Statement of Applicability: statements (seeded by the
catalogue loader, so their one write is the officer's update) and SoA versions."""

from audits.models import ControlStatement, SoAVersion
from audits.soa import services as soa_services

from .battery_framework import Entry, api, by_id
from .world import World

CODE = "A.9.2"


def statement(w: World) -> ControlStatement:
    return ControlStatement.objects.get(item__code=CODE)


BATTERY = {
    ControlStatement: Entry(
        actor="officer",
        stage="approved_for_development",
        create=lambda w: soa_services.statement_update(
            actor=w.officer, statement=statement(w), data={"implementation_status": "planned"}
        ),
        api_create=lambda w: (
            "patch",
            api("controlstatement-detail", statement(w).pk),
            {"implementation_status": "partial"},
            "json",
        ),
        api_bad=lambda w: (
            "patch",
            api("controlstatement-detail", statement(w).pk),
            {"applicable": False, "justification": ""},
            "json",
        ),
        api_result=by_id(ControlStatement),
    ),
    SoAVersion: Entry(
        actor="officer",
        stage="approved_for_development",
        create=lambda w: soa_services.soa_version_approve(actor=w.officer, note="Battery"),
        api_create=lambda w: ("post", api("soaversion-list"), {"note": "Battery"}, "json"),
        api_bad=lambda w: ("post", api("soaversion-list"), {"note": "x" * 6000}, "json"),
        api_result=by_id(SoAVersion),
    ),
}
