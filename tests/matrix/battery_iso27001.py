"""History battery entries of the ISO/IEC 27001 reuse: controls (seeded by the loader, so
their one write is the officer's update) and mappings (proposed by the officer)."""

from audits.iso27001 import services
from audits.models import CatalogueItem, ControlMapping, SecurityControl

from .battery_framework import Entry, api, by_id
from .world import World


def control(w: World) -> SecurityControl:
    return SecurityControl.objects.get(code="8.15")


BATTERY = {
    SecurityControl: Entry(
        actor="officer",
        stage="approved_for_development",
        create=lambda w: services.control_update(
            actor=w.officer, control=control(w), data={"implementation_status": "partial"}
        ),
        api_create=lambda w: (
            "patch",
            api("iso27001control-detail", control(w).pk),
            {"implementation_status": "implemented"},
            "json",
        ),
        api_bad=lambda w: (
            "patch",
            api("iso27001control-detail", control(w).pk),
            {"implementation_status": "finished"},
            "json",
        ),
        api_result=by_id(SecurityControl),
    ),
    ControlMapping: Entry(
        actor="officer",
        stage="approved_for_development",
        create=lambda w: services.mapping_create(
            actor=w.officer,
            security_control=SecurityControl.objects.get(code="8.16"),
            item=CatalogueItem.objects.get(code="A.9.2"),
            rationale="Battery",
            source=ControlMapping.Source.OWN_ANALYSIS,
        ),
        api_create=lambda w: (
            "post",
            api("iso27001mapping-list"),
            {
                "security_control_code": "8.16",
                "item_code": "A.9.3",
                "rationale": "Battery",
                "source": "own_analysis",
            },
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("iso27001mapping-list"),
            {"security_control_code": "8.16", "item_code": "Q.1", "rationale": "x"},
            "json",
        ),
        api_result=by_id(ControlMapping),
    ),
}
