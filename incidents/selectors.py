"""Permission-restricted reads of incidents and monitoring, filtered in SQL.

Officers, approvers and auditors see every incident (``incidents.view_incident``); anyone
else sees the incidents on any system they can see (owners: their own systems).
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from aims.models import parse_reference
from aims.visibility import restricted_ids
from inventory.models import AISystem

from .models import Alert, Incident, IncidentEvent, Metric, Observation, Status, overdue_q

#: The incident list's sortable columns (URL key -> field).
SORTABLE = {
    "reference": "id",
    "title": "title",
    "severity": "severity",
    "status": "status",
    "system": "system_id",
    "owner": "owner__username",
    "aware": "aware_at",
    "reported": "created_at",
}


def visible_incidents(user: AbstractBaseUser) -> QuerySet[Incident]:
    """The incidents ``user`` may see: ``Incident.visibility_rule`` (every affected system's
    owner sees it), the same rule that governs their evidence and corrective actions."""
    return Incident.objects.restrict(user)


def incident_list(
    *, user: AbstractBaseUser, filters: dict[str, Any] | None = None
) -> QuerySet[Incident]:
    filters = filters or {}
    qs = visible_incidents(user).select_related(
        "system", "owner", "reporter", "aware_at_corrected_by"
    )
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
    if filters.get("report_overdue"):
        qs = qs.filter(report_overdue_q())
    if filters.get("system"):
        qs = qs.filter(systems=filters["system"])
    return qs.order_by("-created_at", "-id")


def affected_system_ids(incident_ids: list[int]) -> dict[int, list[int]]:
    """The affected systems' ids of each incident, in the systems' order (by id): one query
    for a chunk of an export's incidents."""
    found: dict[int, list[int]] = {pk: [] for pk in incident_ids}
    links = Incident.systems.through.objects.filter(incident_id__in=incident_ids)
    for incident_id, system_id in links.order_by("aisystem_id").values_list(
        "incident_id", "aisystem_id"
    ):
        found[incident_id].append(system_id)
    return found


def report_overdue_q(now=None) -> Q:
    """Serious incidents whose report to the authority is past due and not sent yet (the same
    condition as ``Incident.reporting_hours_overdue``, in SQL)."""
    return Q(
        report_due_at__lt=now or timezone.now(),
        initial_report_at__isnull=True,
        report_submitted_at__isnull=True,
    )


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
        .filter(
            reporting_deadline__isnull=False,
            initial_report_at__isnull=True,
            report_submitted_at__isnull=True,
        )
        .select_related("system")
        .order_by("reporting_deadline", "report_due_at")
    )


def reported_late(*, user: AbstractBaseUser) -> QuerySet[Incident]:
    """Open serious incidents whose first report reached the authority after the deadline."""
    return (
        visible_incidents(user)
        .filter(report_hours_late__gt=0)
        .exclude(status=Status.CLOSED)
        .select_related("system")
        .order_by("-report_hours_late", "-id")
    )


def metric_list(*, user: AbstractBaseUser, system: AISystem | None = None) -> QuerySet[Metric]:
    qs = Metric.objects.restrict(user).select_related("system__owner")
    if system is not None:
        qs = qs.filter(system=system)
    return qs


def alert_list(*, user: AbstractBaseUser, open_only: bool = False) -> QuerySet[Alert]:
    qs = Alert.objects.filter(metric__in=restricted_ids(Metric, user)).select_related(
        "metric__system"
    )
    if open_only:
        qs = qs.filter(resolved_at__isnull=True)
    return qs


def observation_list(*, user: AbstractBaseUser) -> QuerySet[Observation]:
    return Observation.objects.filter(metric__in=restricted_ids(Metric, user)).order_by(
        "-observed_at", "-id"
    )


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
