"""History battery entries of the audits app."""

from audits.models import EvidencePack, TrailAdoption
from audits.packs import services
from audits.trail.chain import adopt_unsealed

from ..factories import write_unsealed_history
from .battery_framework import Entry, api, by_id


def _adopt(w) -> TrailAdoption:
    write_unsealed_history(w.officer)
    return adopt_unsealed(actor=w.officer, reason="Loaded from the old register")


def _adopt_request(reason: str):
    def request(w):
        write_unsealed_history(w.officer)
        return ("post", api("audit-trail-adoption-list"), {"reason": reason}, "json")

    return request


BATTERY = {
    EvidencePack: Entry(
        actor="auditor",
        stage="deployed",
        create=lambda w: services.evidence_pack_request(actor=w.auditor, scope="whole"),
        api_create=lambda w: ("post", api("evidencepack-list"), {"scope": "whole"}, "json"),
        api_bad=lambda w: (
            "post",
            api("evidencepack-list"),
            {"scope": "period", "period_start": "2026-05-01", "period_end": "2026-01-01"},
            "json",
        ),
        api_result=by_id(EvidencePack),
    ),
    TrailAdoption: Entry(
        actor="officer",
        stage="deployed",
        create=_adopt,
        api_create=_adopt_request("Loaded from the old register"),
        api_bad=lambda w: ("post", api("audit-trail-adoption-list"), {"reason": ""}, "json"),
        api_result=by_id(TrailAdoption),
    ),
}
