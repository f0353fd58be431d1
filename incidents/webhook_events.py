"""The webhook events of incidents (aims.webhooks): an incident created, marked serious.
Services call these after their write, in their transaction."""

from django.conf import settings
from django.urls import reverse

from aims.webhooks.events import Event
from aims.webhooks.services import emit

from .models import Incident


def incident_ref(incident: Incident) -> dict:
    path = reverse("incidents:incident_detail", args=[incident.pk])
    return {
        "id": incident.pk, "reference": incident.reference, "title": incident.title,
        "severity": incident.severity, "is_serious": bool(incident.serious_case),
        "system": incident.system.reference if incident.system_id else None,
        "url": f"{settings.AIMS_BASE_URL}{path}",
    }  # fmt: skip


def incident_created(incident: Incident) -> None:
    emit(Event.INCIDENT_CREATED, lambda: {"incident": incident_ref(incident)})


def incident_serious(incident: Incident) -> None:
    emit(Event.INCIDENT_SERIOUS, lambda: {
        "incident": incident_ref(incident), "case": incident.serious_case,
        "report_due_at": incident.report_due_at.isoformat() if incident.report_due_at else None,
    })  # fmt: skip
