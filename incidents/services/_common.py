"""Helpers the incident services share: the writer of an incident's timeline (the only writer
of IncidentEvent), the link to an incident's page, who may change an incident, and how far
ahead of the server clock a reported time may be."""

from datetime import timedelta

from django.urls import reverse

from aims.errors import RuleForbidden
from aims.permissions import can_change_record, has_perm

from ..errors import Code
from ..models import Incident, IncidentEvent

# Observations may be a little ahead of the server clock (clock skew), not more.
FUTURE_TOLERANCE = timedelta(minutes=5)


def _event(incident: Incident, actor, kind: str, message: str) -> IncidentEvent:
    """Append one entry to the incident's timeline (the only writer of IncidentEvent)."""
    return IncidentEvent.objects.create(incident=incident, actor=actor, kind=kind, message=message)


def incident_url(incident: Incident) -> str:
    return reverse("incidents:incident_detail", args=[incident.pk])


def can_change_incident(user, incident: Incident) -> bool:
    """Officers on any incident; owners on incidents whose primary system they may change."""
    return has_perm(user, "incidents.change_incident") and can_change_record(user, incident)


def _require_change(actor, incident: Incident) -> None:
    if not can_change_incident(actor, incident):
        raise RuleForbidden("You may not change this incident.", code=Code.PERMISSION_DENIED)
