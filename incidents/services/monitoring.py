"""Monitoring: a system's metrics, the ingestion of observations (idempotent on metric and
timestamp, all or nothing), the warning, breach and staleness alerts they open and
resolve, and the incident a breach opens when its metric asks for one."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from aims.errors import BusinessRuleError, RuleForbidden
from aims.history import save_with_history
from aims.notifications.services import notify, users_in_role
from aims.permissions import can_change_record, has_perm, require
from aims.roles import OFFICER

from ..errors import Code
from ..models import Alert, DetectionChannel, Incident, Metric, Observation
from ._common import FUTURE_TOLERANCE
from .incidents import _create

METRIC_FIELDS = (
    "name",
    "unit",
    "direction",
    "warning_threshold",
    "breach_threshold",
    "expected_interval_minutes",
    "auto_incident_severity",
)


@transaction.atomic
def metric_save(*, actor, metric: Metric, data: dict[str, Any]) -> Metric:
    """Define or edit a metric of a system the actor may change."""
    action = "change" if metric.pk else "add"
    if not has_perm(actor, f"incidents.{action}_metric") or not can_change_record(actor, metric):
        raise RuleForbidden(
            "You may not define metrics of this system.", code=Code.PERMISSION_DENIED
        )
    unknown = set(data) - set(METRIC_FIELDS)
    if unknown:
        raise BusinessRuleError(f"Unknown fields: {', '.join(sorted(unknown))}", code=Code.INVALID)
    for field, value in data.items():
        setattr(metric, field, value)
    save_with_history(
        metric, actor=actor, reason="Metric defined" if action == "add" else "Metric edited"
    )
    return metric


@dataclass(frozen=True)
class IngestResult:
    received: int
    created: int
    alerts_opened: list[Alert]
    incidents_opened: list[Incident]

    @property
    def duplicates(self) -> int:
        return self.received - self.created


@transaction.atomic
def observations_ingest(
    *, actor, observations: list[tuple[Metric, datetime, float]]
) -> IngestResult:
    """Store measurements (idempotent on metric + timestamp) and evaluate each metric's newest.

    Observations are data points, not records: one INSERT ... ON CONFLICT DO NOTHING for the
    whole batch (bulk_create with ignore_conflicts) and no history. The batch is all or
    nothing: one bad item refuses it.
    """
    require(actor, "incidents.add_observation", message="You may not push observations.")
    metrics = {m.pk: m for m, _, _ in observations}
    systems = {m.system_id: m for m in metrics.values()}
    for metric in systems.values():
        if not can_change_record(actor, metric):
            raise RuleForbidden(
                f"You may not push observations for metric {metric.pk}.",
                code=Code.PERMISSION_DENIED,
            )
    limit = timezone.now() + FUTURE_TOLERANCE
    future = [i for i, (_, at, _) in enumerate(observations) if at > limit]
    if future:
        raise ValidationError(
            {"observed_at": [f"Timestamps in the future (items {future[:10]}) are refused."]}
        )
    if not observations:
        return IngestResult(0, 0, [], [])
    times = [at for _, at, _ in observations]
    window = Observation.objects.filter(
        metric_id__in=list(metrics), observed_at__gte=min(times), observed_at__lte=max(times)
    )
    before = window.count()
    Observation.objects.bulk_create(
        [Observation(metric=m, observed_at=at, value=float(v)) for m, at, v in observations],
        ignore_conflicts=True,
        batch_size=1000,
    )
    created = window.count() - before
    newest: dict[int, tuple[datetime, float]] = {}
    for metric, at, value in observations:
        if metric.pk not in newest or at > newest[metric.pk][0]:
            newest[metric.pk] = (at, float(value))
    alerts, incidents = [], []
    for pk, (at, value) in newest.items():
        metric = metrics[pk]
        if metric.last_observed_at and at <= metric.last_observed_at:
            continue  # a late or repeated point does not change the current state
        # An operational timestamp, not a change to the definition: no history row.
        Metric.objects.filter(pk=pk).update(last_observed_at=at)
        metric.last_observed_at = at
        opened, incident = _evaluate(actor=actor, metric=metric, value=value, at=at)
        alerts += opened
        if incident:
            incidents.append(incident)
    return IngestResult(len(observations), created, alerts, incidents)


def _open_alert(metric: Metric, kind: str, message: str, value=None) -> Alert | None:
    """Open an alert unless one of this kind is open; None if it already is (two pushes at
    once are settled by the one-open-alert constraint, not by a 500)."""
    if Alert.objects.filter(metric=metric, kind=kind, resolved_at__isnull=True).exists():
        return None
    try:
        with transaction.atomic():
            return Alert.objects.create(
                metric=metric, kind=kind, value=value, message=message[:300]
            )
    except IntegrityError:
        return None


def _resolve_alerts(metric: Metric, kinds: Iterable[str], now=None) -> int:
    return Alert.objects.filter(
        metric=metric, kind__in=list(kinds), resolved_at__isnull=True
    ).update(resolved_at=now or timezone.now())


def _evaluate(*, actor, metric: Metric, value: float, at: datetime):
    _resolve_alerts(metric, [Alert.Kind.STALE])
    level = metric.level(value)
    opened: list[Alert] = []
    incident = None
    label = f"{metric.system.reference} {metric.name}"
    if level != "breach":
        _resolve_alerts(metric, [Alert.Kind.BREACH])
    if level != "warning":
        _resolve_alerts(metric, [Alert.Kind.WARNING])
    if level == "warning":
        alert = _open_alert(metric, Alert.Kind.WARNING, f"{label} at warning: {value:g}", value)
        opened += [alert] if alert else []
    if level == "breach":
        alert = _open_alert(
            metric,
            Alert.Kind.BREACH,
            f"{label} breached {metric.breach_threshold:g}: {value:g} {metric.unit}".strip(),
            value,
        )
        if alert:
            opened.append(alert)
            notify(
                recipients=[metric.system.owner, *users_in_role(OFFICER)],
                title=f"Monitoring breach: {alert.message}",
                link=reverse("incidents:monitoring", args=[metric.system_id]),
            )
            if metric.auto_incident_severity:
                incident = _create(
                    actor=actor,
                    system=metric.system,
                    reason=f"Opened automatically by a breach of {metric.name}",
                    title=f"Breach of {metric.name} on {metric.system.name}"[:200],
                    description=f"{alert.message} at {at:%Y-%m-%d %H:%M %Z}. Opened by the "
                    f"monitoring rule of this metric.",
                    detection_channel=DetectionChannel.MONITORING,
                    category="other",
                    severity=metric.auto_incident_severity,
                    aware_at=timezone.now(),
                )
                alert.incident = incident
                alert.save(update_fields=["incident"])
    return opened, incident


def monitoring_check_staleness(*, now: datetime | None = None) -> list[Alert]:
    """Open a staleness alert on every metric silent for longer than its expected interval
    (once per silence; the next observation resolves it). Idempotent: safe to run often."""
    now = now or timezone.now()
    opened = []
    open_stale = Alert.objects.filter(kind=Alert.Kind.STALE, resolved_at__isnull=True).values(
        "metric_id"
    )
    candidates = Metric.objects.exclude(pk__in=open_stale).select_related("system__owner")
    for metric in candidates.iterator():
        last = metric.last_observed_at or metric.created_at
        if last + timedelta(minutes=metric.expected_interval_minutes) >= now:
            continue
        with transaction.atomic():
            alert = _open_alert(
                metric,
                Alert.Kind.STALE,
                f"{metric.system.reference} {metric.name}: no observation since "
                f"{timezone.localtime(last):%Y-%m-%d %H:%M}",
            )
            if alert:
                opened.append(alert)
                notify(
                    recipients=[metric.system.owner],
                    title=f"Monitoring silent: {alert.message}",
                    link=reverse("incidents:monitoring", args=[metric.system_id]),
                )
    return opened


def latest_observation_time(metric: Metric):
    return metric.observations.aggregate(top=Max("observed_at"))["top"]
