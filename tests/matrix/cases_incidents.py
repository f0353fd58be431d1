"""Role-matrix rows for incidents, monitoring and the corrective actions opened from an
incident. The world's target system gets an incident, a metric and an alert through the
real services (helpers below; world.py is shared and not extended here)."""

from datetime import timedelta

from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from aims.capa import services as capa_services
from aims.models import CorrectiveAction
from incidents import services
from incidents.models import Alert, Incident, IncidentEvent, IncidentTimeTarget, Metric, Observation
from inventory.models import AISystem

from .framework import (
    API_CREATE_UNDER_SYSTEM,
    API_GATE_WRITE,
    API_LOGGED_IN,
    API_SYSTEM_CHANGE,
    API_SYSTEM_READ,
    INTAKE,
    LOGGED_IN,
    SYSTEM_CHANGE,
    SYSTEM_READ,
    Case,
    expect,
)
from .world import World

# fmt: off
#                                anonymous nobody owner other_owner officer approver auditor
REPORT_POST             = expect("login    403    ok    400         ok      403      403")
SERIOUS                 = expect("login    404    403   404         ok      403      403")
API_SERIOUS             = expect("401      403    403   404         ok      403      403")
# Verifying a corrective action: officers and approvers (neither owns it nor its incident).
CAPA_VERIFY             = expect("login    404    403   404         ok      ok       403")
API_CAPA_VERIFY         = expect("401      403    403   404         ok      ok       403")
# Time targets: every role reads them, officers change them; no role, no targets.
TARGETS_READ            = expect("login    403    ok    ok          ok      ok       ok")
TARGETS_WRITE           = expect("login    403    403   403         ok      403      403")
API_TARGETS_READ        = expect("401      404    ok    ok          ok      ok       ok")
# fmt: on

INCIDENT_TITLE = "Matrix incident title"
METRIC_NAME = "Matrix error rate"


def incident(w: World) -> Incident:
    return w.once(
        "_incident",
        lambda: services.incident_report(
            actor=w.owner,
            system=w.system,
            title=INCIDENT_TITLE,
            description="Something went wrong",
            detection_channel="employee",
            category="inaccurate",
            severity="sev3",
        ),
    )


def metric(w: World) -> Metric:
    return w.once(
        "_metric",
        lambda: services.metric_save(
            actor=w.owner,
            metric=Metric(system=w.system),
            data={"name": METRIC_NAME, "direction": "higher_is_worse", "breach_threshold": 10},
        ),
    )


def alert(w: World) -> Alert:
    def make():
        services.observations_ingest(
            actor=w.owner, observations=[(metric(w), timezone.now() - timedelta(hours=1), 99)]
        )
        return Alert.objects.get(metric=metric(w))

    return w.once("_alert", make)


def serious(w: World) -> Incident:
    AISystem.objects.filter(pk=w.system.pk).update(risk_tier="high")
    return services.incident_mark_serious(actor=w.officer, incident=incident(w), case="general")


def high_risk(w: World) -> None:
    AISystem.objects.filter(pk=w.system.pk).update(risk_tier="high")
    incident(w)


def inc_pk(w: World) -> dict:
    return {"pk": incident(w).pk}


def sys_pk(w: World) -> dict:
    return {"pk": w.system.pk}


def incident_value(field: str):
    return lambda w: Incident.objects.values_list(field, flat=True).get(pk=incident(w).pk)


def events(w: World) -> int:
    return IncidentEvent.objects.filter(incident=incident(w)).count()


def incidents_count(w: World) -> int:
    return Incident.objects.count()


def capas(w: World) -> int:
    return CorrectiveAction.objects.count()


def metrics_count(w: World) -> int:
    return Metric.objects.count()


def observations(w: World) -> int:
    return Observation.objects.count()


def show_incident(w: World) -> str:
    incident(w)
    return INCIDENT_TITLE


def show_metric(w: World) -> str:
    metric(w)
    return METRIC_NAME


def new_incident(w: World) -> dict:
    return {
        "system": w.system.pk,
        "title": "Matrix new incident",
        "description": "Reported in the matrix",
        "severity": "sev4",
        "detection_channel": "employee",
        "category": "other",
    }


def new_capa(w: World) -> dict:
    incident(w)
    return {
        "title": "Matrix CAPA",
        "nonconformity": "Wrong output",
        "action_plan": "Fix the prompt",
        "due_date": (timezone.localdate() + timedelta(days=30)).isoformat(),
    }


def html_capa(w: World) -> dict:
    return {**new_capa(w), "owner": w.owner.pk}


def new_metric(w: World) -> dict:
    return {
        "name": "Matrix latency",
        "unit": "ms",
        "direction": "higher_is_worse",
        "breach_threshold": 500,
        "expected_interval_minutes": 60,
    }


def sev1_target(w: World) -> dict:
    return {"pk": IncidentTimeTarget.objects.get(severity="sev1").pk}


def sev1_acknowledge(w: World) -> int:
    return IncidentTimeTarget.objects.get(severity="sev1").acknowledge_hours


def targets_form(w: World) -> dict:
    data = {"note": "Matrix change"}
    for t in IncidentTimeTarget.objects.all():
        for stage in ("acknowledge", "contain", "resolve"):
            data[f"{t.severity}-{stage}_hours"] = getattr(t, f"{stage}_hours")
    data["sev1-acknowledge_hours"] = 2
    return data


def observation(w: World) -> dict:
    at = (timezone.now() - timedelta(minutes=5)).isoformat()
    return {"metric": metric(w).pk, "observed_at": at, "value": 1.5}


CASES = [
    Case("incidents:incident_list", "GET", LOGGED_IN, marker=show_incident),
    Case("incidents:incident_report", "GET", INTAKE),
    Case("incidents:incident_report", "POST", REPORT_POST, data=new_incident,
         effect=incidents_count),
    Case("incidents:incident_detail", "GET", SYSTEM_READ, kwargs=inc_pk),
    Case("incidents:incident_edit", "GET", SYSTEM_CHANGE, kwargs=inc_pk),
    Case("incidents:incident_edit", "POST", SYSTEM_CHANGE, kwargs=inc_pk,
         data=lambda w: {"title": INCIDENT_TITLE, "description": "Edited",
                         "detection_channel": "employee", "category": "inaccurate",
                         "aware_at": "2026-01-10T09:00", "lessons_learned": "Matrix lesson"},
         effect=incident_value("lessons_learned")),
    Case("incidents:incident_transition", "POST", SYSTEM_CHANGE,
         kwargs=lambda w: {"pk": incident(w).pk, "action": "triage"},
         effect=incident_value("status")),
    Case("incidents:incident_severity", "POST", SYSTEM_CHANGE, kwargs=inc_pk,
         data=lambda w: {"severity": "sev2", "reason": "Worse than thought"},
         effect=incident_value("severity")),
    Case("incidents:incident_serious", "POST", SERIOUS, kwargs=inc_pk, setup=high_risk,
         data=lambda w: {"case": "death"}, effect=incident_value("serious_case")),
    Case("incidents:incident_report_submitted", "POST", SERIOUS, kwargs=inc_pk, setup=serious,
         data=lambda w: {"reference": "MSA-1"}, effect=incident_value("report_reference")),
    Case("incidents:incident_awareness", "GET", SERIOUS, kwargs=inc_pk, setup=serious),
    Case("incidents:incident_awareness", "POST", SERIOUS, kwargs=inc_pk, setup=serious,
         data=lambda w: {"aware_at": "2026-01-10T09:00", "reason": "Matrix correction"},
         effect=incident_value("aware_at")),
    Case("incidents:incident_note", "POST", SYSTEM_CHANGE, kwargs=inc_pk,
         data=lambda w: {"message": "Matrix note"}, effect=events),
    Case("incidents:incident_capa_add", "GET", SYSTEM_CHANGE, kwargs=inc_pk),
    Case("incidents:incident_capa_add", "POST", SYSTEM_CHANGE, kwargs=inc_pk, data=html_capa,
         effect=capas),
    Case("incidents:monitoring", "GET", SYSTEM_READ, kwargs=sys_pk, marker=show_metric),
    Case("incidents:metric_add", "GET", SYSTEM_CHANGE, kwargs=sys_pk),
    Case("incidents:metric_add", "POST", SYSTEM_CHANGE, kwargs=sys_pk, data=new_metric,
         effect=metrics_count),
    # --- API ---------------------------------------------------------------------------------
    Case("api:incident-list", "GET", API_LOGGED_IN, marker=show_incident),
    Case("api:incident-list", "POST", API_CREATE_UNDER_SYSTEM, data=new_incident,
         effect=incidents_count),
    Case("api:incident-detail", "GET", API_SYSTEM_READ, kwargs=inc_pk),
    Case("api:incident-detail", "PATCH", API_SYSTEM_CHANGE, kwargs=inc_pk,
         data=lambda w: {"impact": "Matrix impact"}, effect=incident_value("impact")),
    Case("api:incident-transition", "POST", API_SYSTEM_CHANGE, kwargs=inc_pk,
         data=lambda w: {"action": "investigate"}, effect=incident_value("status")),
    Case("api:incident-severity", "POST", API_SYSTEM_CHANGE, kwargs=inc_pk,
         data=lambda w: {"severity": "sev1", "reason": "Harm confirmed"},
         effect=incident_value("severity")),
    Case("api:incident-serious", "POST", API_SERIOUS, kwargs=inc_pk, setup=high_risk,
         data=lambda w: {"case": "widespread"}, effect=incident_value("serious_case")),
    Case("api:incident-report", "POST", API_SERIOUS, kwargs=inc_pk, setup=serious,
         data=lambda w: {"reference": "MSA-2"}, effect=incident_value("report_reference")),
    Case("api:incident-awareness", "POST", API_SERIOUS, kwargs=inc_pk, setup=serious,
         data=lambda w: {"aware_at": "2026-01-10T09:00:00Z", "reason": "Matrix correction"},
         effect=incident_value("aware_at")),
    Case("api:incident-notes", "POST", API_SYSTEM_CHANGE, kwargs=inc_pk,
         data=lambda w: {"message": "Matrix API note"}, effect=events),
    Case("api:incident-events", "GET", API_SYSTEM_READ, kwargs=inc_pk),
    Case("api:incident-corrective-actions", "GET", API_SYSTEM_READ, kwargs=inc_pk),
    Case("api:incident-corrective-actions", "POST", API_SYSTEM_CHANGE, kwargs=inc_pk,
         data=new_capa, effect=capas),
    Case("api:metric-list", "GET", API_LOGGED_IN, marker=show_metric),
    Case("api:metric-list", "POST", API_CREATE_UNDER_SYSTEM,
         data=lambda w: {**new_metric(w), "system": w.system.pk}, effect=metrics_count),
    Case("api:metric-detail", "GET", API_SYSTEM_READ, kwargs=lambda w: {"pk": metric(w).pk}),
    Case("api:metric-detail", "PATCH", API_SYSTEM_CHANGE, kwargs=lambda w: {"pk": metric(w).pk},
         data=lambda w: {"breach_threshold": 20},
         effect=lambda w: Metric.objects.get(pk=metric(w).pk).breach_threshold),
    Case("api:observation-list", "GET", API_LOGGED_IN),
    Case("api:observation-list", "POST", API_CREATE_UNDER_SYSTEM, data=observation,
         effect=observations),
    Case("api:observation-bulk", "POST", API_CREATE_UNDER_SYSTEM,
         data=lambda w: {"observations": [observation(w)]}, effect=observations),
    Case("api:alert-list", "GET", API_LOGGED_IN),
    Case("api:alert-detail", "GET", API_SYSTEM_READ, kwargs=lambda w: {"pk": alert(w).pk}),
    # --- Time targets ------------------------------------------------------------------------
    Case("incidents:time_targets", "GET", TARGETS_READ),
    Case("incidents:time_targets", "POST", TARGETS_WRITE, data=targets_form,
         effect=sev1_acknowledge),
    Case("api:incidenttimetarget-list", "GET", API_LOGGED_IN),
    Case("api:incidenttimetarget-detail", "GET", API_TARGETS_READ, kwargs=sev1_target),
    Case("api:incidenttimetarget-detail", "PATCH", API_GATE_WRITE, kwargs=sev1_target,
         data=lambda w: {"acknowledge_hours": 3}, effect=sev1_acknowledge),
]  # fmt: skip


# --- Corrective actions' own pages, once aims mounts them (capa_urls, the API router) -------

CAPA_TITLE = "Matrix corrective action"


def capa(w: World) -> CorrectiveAction:
    return w.once(
        "_capa",
        lambda: capa_services.capa_create(
            actor=w.officer,
            source=incident(w),
            owner=w.owner,
            title=CAPA_TITLE,
            nonconformity="Wrong output",
            action_plan="Fix the prompt",
            due_date=timezone.localdate() + timedelta(days=30),
        ),
    )


def implemented(w: World) -> None:
    capa_services.capa_transition(actor=w.owner, capa=capa(w), action="implement")


def capa_pk(w: World) -> dict:
    return {"pk": capa(w).pk}


def capa_status(w: World) -> str:
    return CorrectiveAction.objects.values_list("status", flat=True).get(pk=capa(w).pk)


def show_capa(w: World) -> str:
    capa(w)
    return CAPA_TITLE


def _mounted(name: str) -> bool:
    try:
        reverse(name, kwargs={"pk": 1} if not name.endswith("list") else {})
    except NoReverseMatch:
        return False
    return True


VERIFY = {"effective": "no", "notes": "Still wrong"}

if _mounted("capa:capa_list"):
    CASES += [
        Case("capa:capa_list", "GET", LOGGED_IN, marker=show_capa),
        Case("capa:capa_detail", "GET", SYSTEM_READ, kwargs=capa_pk),
        Case("capa:capa_transition", "POST", SYSTEM_CHANGE,
             kwargs=lambda w: {"pk": capa(w).pk, "action": "start"}, effect=capa_status),
        Case("capa:capa_verify", "GET", CAPA_VERIFY, kwargs=capa_pk, setup=implemented),
        Case("capa:capa_verify", "POST", CAPA_VERIFY, kwargs=capa_pk, setup=implemented,
             data=lambda w: VERIFY, effect=capa_status),
    ]  # fmt: skip
if _mounted("api:correctiveaction-list"):
    CASES += [
        Case("api:correctiveaction-list", "GET", API_LOGGED_IN, marker=show_capa),
        Case("api:correctiveaction-detail", "GET", API_SYSTEM_READ, kwargs=capa_pk),
        Case("api:correctiveaction-transition", "POST", API_SYSTEM_CHANGE, kwargs=capa_pk,
             data=lambda w: {"action": "start"}, effect=capa_status),
        Case("api:correctiveaction-verify", "POST", API_CAPA_VERIFY, kwargs=capa_pk,
             setup=implemented, data=lambda w: {"effective": False, "notes": "Not yet"},
             effect=capa_status),
    ]  # fmt: skip
