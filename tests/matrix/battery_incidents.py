"""History battery entries for incidents, metrics and corrective actions."""

from datetime import date

from django.db.models import Model

from aims.capa import services as capa_services
from aims.models import CorrectiveAction
from incidents import services, time_target_services
from incidents.models import Incident, IncidentTimeTarget, Metric

from .battery_framework import Entry, api, by_id
from .world import World

INCIDENT = {
    "title": "Battery incident",
    "description": "Wrong answers to customers",
    "detection_channel": "user_complaint",
    "category": "inaccurate",
    "severity": "sev3",
}
METRIC = {"name": "Battery drift", "direction": "higher_is_worse", "breach_threshold": 0.3}
CAPA = {
    "title": "Battery CAPA",
    "nonconformity": "Wrong answers",
    "action_plan": "Retrain",
    "due_date": "2026-12-31",
}


def quiet_incident(w: World) -> Incident:
    """An incident on the world's system whose creation leaves no history row, so a test
    that counts history from here sees only the write under test."""
    incident = Incident(system=w.system, owner=w.owner, reporter=w.owner, **INCIDENT)
    incident.skip_history_when_saving = True
    incident.save()
    incident.systems.set([w.system])  # relations are history-tracked too: keep it quiet
    del incident.skip_history_when_saving
    return incident


def _sev2() -> IncidentTimeTarget:
    """Time targets are seeded, one per severity: their one write is an officer's change."""
    return IncidentTimeTarget.objects.get(severity="sev2")


BATTERY: dict[type[Model], Entry] = {
    Incident: Entry(
        actor="owner",
        stage="deployed",
        create=lambda w: services.incident_report(actor=w.owner, system=w.system, **INCIDENT),
        api_create=lambda w: (
            "post",
            api("incident-list"),
            {"system": w.system.pk, **INCIDENT},
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("incident-list"),
            {"system": w.system.pk, **INCIDENT, "severity": "sev9"},
            "json",
        ),
        api_result=by_id(Incident),
    ),
    Metric: Entry(
        actor="owner",
        stage="deployed",
        create=lambda w: services.metric_save(
            actor=w.owner, metric=Metric(system=w.system), data=METRIC
        ),
        api_create=lambda w: (
            "post",
            api("metric-list"),
            {"system": w.system.pk, **METRIC},
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("metric-list"),
            {"system": w.system.pk, **METRIC, "direction": "sideways"},
            "json",
        ),
        api_result=by_id(Metric),
    ),
    CorrectiveAction: Entry(
        actor="owner",
        stage="deployed",
        create=lambda w: capa_services.capa_create(
            actor=w.owner,
            source=quiet_incident(w),
            **{**CAPA, "due_date": date(2026, 12, 31)},
        ),
        api_create=lambda w: (
            "post",
            api("incident-corrective-actions", quiet_incident(w).pk),
            CAPA,
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("incident-corrective-actions", quiet_incident(w).pk),
            {**CAPA, "due_date": "not a date"},
            "json",
        ),
        api_result=by_id(CorrectiveAction),
    ),
    IncidentTimeTarget: Entry(
        actor="officer",
        stage="intake_submitted",
        create=lambda w: time_target_services.time_target_update(
            actor=w.officer,
            target=_sev2(),
            data={"acknowledge_hours": _sev2().acknowledge_hours + 1},
        ),
        api_create=lambda w: (
            "patch",
            api("incidenttimetarget-detail", _sev2().pk),
            {"contain_hours": _sev2().contain_hours + 2},
            "json",
        ),
        api_bad=lambda w: (
            "patch",
            api("incidenttimetarget-detail", _sev2().pk),
            {"resolve_hours": 1},
            "json",
        ),
        api_result=by_id(IncidentTimeTarget),
    ),
}
