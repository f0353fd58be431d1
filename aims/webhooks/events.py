"""The events a subscription can choose, in words, with an example of each one's ``data``.
The one list the models, the services, the OpenAPI schema and the pages read."""

from django.db import models


class Event(models.TextChoices):
    SYSTEM_CREATED = "system.created", "AI system created"
    SYSTEM_STAGE_CHANGED = "system.stage_changed", "AI system lifecycle stage changed"
    GATE_DECIDED = "gate.decided", "Approval gate decided"
    CLASSIFICATION_CHANGED = "classification.changed", "Classification or tier changed"
    INCIDENT_CREATED = "incident.created", "Incident created"
    INCIDENT_SERIOUS = "incident.serious", "Incident marked serious"
    INCIDENT_OVERDUE = "incident.overdue", "Incident overdue"
    VENDOR_CHANGE_RECORDED = "vendor_change.recorded", "Vendor change recorded"
    CAPA_OVERDUE = "corrective_action.overdue", "Corrective action overdue"
    EVIDENCE_PACK_READY = "evidence_pack.ready", "Evidence pack ready"
    READINESS_CHANGED = "readiness.changed", "Readiness changed"


#: Events something sends: all of them. Services raise most as they write; the daily reminder
#: sweep finds the overdue ones and the readiness change (aims.webhooks.sweep). An event left
#: out here is offered on the subscription form as "(not sent yet)".
WIRED = frozenset(Event)

#: The clocks of an ``incident.overdue`` event: a time target missed, or the report to the
#: authority (EU AI Act Art. 73) overdue.
INCIDENT_CLOCKS = ("acknowledge", "contain", "resolve", "regulatory_report")

_SYSTEM = {"id": 12, "reference": "AIS-0012", "name": "CV screening assistant",
           "url": "https://aims.example.org/inventory/systems/12/"}  # fmt: skip
_INCIDENT = {"id": 7, "reference": "INC-0007", "title": "Biased ranking reported",
             "severity": "high", "is_serious": False,
             "url": "https://aims.example.org/incidents/7/"}  # fmt: skip

#: An example ``data`` per event: documented in the OpenAPI schema (/api/v1/webhook-events/).
EXAMPLES: dict[str, dict] = {
    Event.SYSTEM_CREATED: {"system": _SYSTEM, "stage": "intake_draft"},
    Event.SYSTEM_STAGE_CHANGED: {
        "system": _SYSTEM,
        "from_stage": "intake_submitted",
        "to_stage": "approved_for_development",
    },  # fmt: skip
    Event.GATE_DECIDED: {
        "system": _SYSTEM,
        "gate": "development",
        "decision": "approved",
        "approval_id": 31,
        "decided_by": "officer",
    },  # fmt: skip
    Event.CLASSIFICATION_CHANGED: {
        "system": _SYSTEM,
        "from_tier": "limited",
        "to_tier": "high",
    },  # fmt: skip
    Event.INCIDENT_CREATED: {"incident": _INCIDENT},
    Event.INCIDENT_SERIOUS: {"incident": {**_INCIDENT, "is_serious": True}},
    Event.INCIDENT_OVERDUE: {
        "incident": _INCIDENT,
        "clock": "contain",
        "due_at": "2026-12-01T12:00:00+00:00",
    },  # fmt: skip
    Event.VENDOR_CHANGE_RECORDED: {
        "notice": {
            "id": 3,
            "reference": "VCN-0003",
            "supplier": "SUP-0002",
            "summary": "Model update",
        },
    },  # fmt: skip
    Event.CAPA_OVERDUE: {
        "corrective_action": {
            "id": 5,
            "reference": "CAPA-0005",
            "title": "Retrain the ranking model",
            "status": "in_progress",
            "due_date": "2026-11-30",
            "owner": "dpo",
            "url": "https://aims.example.org/capa/5/",
        },
        "days_overdue": 5,
    },  # fmt: skip
    Event.EVIDENCE_PACK_READY: {
        "pack": {
            "id": 9,
            "reference": "PACK-0009",
            "scope": "system",
            "system": "AIS-0012",
            "page_count": 42,
            "pdf_sha256": "9f2c…",
            "url": "https://aims.example.org/audits/packs/9/",
        },
    },  # fmt: skip
    Event.READINESS_CHANGED: {
        "readiness": {
            "percent": 82,
            "ready": 123,
            "total": 150,
            "not_ready": 27,
            "as_of": "2026-12-05",
            "summary": "82% ready (123 of 150 requirements and controls), was 78% (117 of 150)",
            "url": "https://aims.example.org/controls/readiness/",
        },
        "previous": {"percent": 78, "ready": 117, "total": 150, "not_ready": 33},
    },  # fmt: skip
}


def label(event_type: str) -> str:
    try:
        return Event(event_type).label
    except ValueError:
        return event_type
