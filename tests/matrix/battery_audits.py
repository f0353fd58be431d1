"""History battery entries of the audits app."""

from audits import services
from audits.models import EvidencePack

from .battery_framework import Entry, api, by_id

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
}
