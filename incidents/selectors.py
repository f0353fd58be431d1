"""Permission-restricted reads of incidents and monitoring, filtered in SQL.

Officers, approvers and auditors see every incident (``incidents.view_incident``); anyone
else sees the incidents on any system they can see (owners: their own systems).
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from aims.models import parse_reference
from aims.permissions import has_global_perm
from inventory.models import AISystem
from inventory.selectors import restrict_systems

from .models import Alert, Incident, IncidentEvent, Metric, Observation, Status, overdue_q


def visible_incidents(user: AbstractBaseUser) -> QuerySet[Incident]:
    if has_global_perm(user, "incidents.view_incident"):
        return Incident.objects.all()
    if not user.is_authenticated:
        return Incident.objects.none()
    systems = restrict_systems(AISystem.objects.all(), user).values("pk")
    through = Incident.systems.through.objects.filter(aisystem_id__in=systems)
    return Incident.objects.filter(pk__in=through.values("incident_id"))


def incident_list(
    *, user: AbstractBaseUser, filters: dict[str, Any] | None = None
) -> QuerySet[Incident]:
    filters = filters or {}
    qs = visible_incidents(user).select_related("system", "owner", "reporter")
    search = (filters.get("q") or "").strip()
    if search:
        pk = parse_reference(Incident.REFERENCE_PREFIX, search)
        qs = qs.filter(Q(pk=pk) if pk else Q(title__icontains=search))
    for key in ("status", "severity", "category"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("open"):
        qs = qs.exclude(status=Status.CLOSED)
    if filters.get("overdue"):
        qs = qs.filter(overdue_q())
    if filters.get("system"):
        qs = qs.filter(systems=filters["system"])
    return qs.order_by("-created_at", "-id")


def incident_get(*, user: AbstractBaseUser, pk: int) -> Incident:
    """One incident the user may see, or Incident.DoesNotExist (a 404: nothing leaks)."""
    return (
        visible_incidents(user)
        .select_related("system__owner", "owner", "reporter")
        .prefetch_related("systems")
        .get(pk=pk)
    )


def incident_events(*, incident: Incident) -> QuerySet[IncidentEvent]:
    return incident.events.select_related("actor")


def overdue_incidents(*, user: AbstractBaseUser) -> QuerySet[Incident]:
    return (
        visible_incidents(user)
        .filter(overdue_q())
        .select_related("system", "owner")
        .order_by("created_at")
    )


def serious_clocks(*, user: AbstractBaseUser) -> QuerySet[Incident]:
    """Serious incidents whose report to the authority is still due."""
    return (
        visible_incidents(user)
        .filter(reporting_deadline__isnull=False, report_submitted_at__isnull=True)
        .select_related("system")
        .order_by("reporting_deadline")
    )


def metric_list(*, user: AbstractBaseUser, system: AISystem | None = None) -> QuerySet[Metric]:
    visible = restrict_systems(AISystem.objects.all(), user).values("pk")
    qs = Metric.objects.filter(system__in=visible).select_related("system__owner")
    if system is not None:
        qs = qs.filter(system=system)
    return qs


def alert_list(*, user: AbstractBaseUser, open_only: bool = False) -> QuerySet[Alert]:
    visible = restrict_systems(AISystem.objects.all(), user).values("pk")
    qs = Alert.objects.filter(metric__system__in=visible).select_related("metric__system")
    if open_only:
        qs = qs.filter(resolved_at__isnull=True)
    return qs


def observation_list(*, user: AbstractBaseUser) -> QuerySet[Observation]:
    visible = restrict_systems(AISystem.objects.all(), user).values("pk")
    return Observation.objects.filter(metric__system__in=visible).order_by("-observed_at", "-id")


def series(*, metrics, points: int = 200) -> dict[int, list[tuple]]:
    """The latest ``points`` observations of each metric, oldest first (one query per metric;
    a system has a handful of metrics)."""
    result = {}
    for metric in metrics:
        rows = list(
            Observation.objects.filter(metric=metric)
            .order_by("-observed_at")
            .values_list("observed_at", "value")[:points]
        )
        result[metric.pk] = rows[::-1]
    return result
