from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from aims.errors import RuleForbidden
from incidents import services
from incidents.models import Alert, Incident, Metric, Observation
from incidents.tasks import check_metric_staleness

from .conftest import ago

pytestmark = pytest.mark.django_db


def push(actor, metric, *points):
    return services.observations_ingest(
        actor=actor, observations=[(metric, at, value) for at, value in points]
    )


def test_metric_thresholds_must_be_in_order(owner, system):
    with pytest.raises(ValidationError) as exc:
        services.metric_save(
            actor=owner,
            metric=Metric(system=system),
            data={
                "name": "Accuracy",
                "direction": "lower_is_worse",
                "warning_threshold": 0.7,
                "breach_threshold": 0.8,
            },
        )
    assert "warning_threshold" in exc.value.message_dict


def test_other_owners_and_approvers_cannot_define_metrics(system, other_owner, approver):
    for user in (other_owner, approver):
        with pytest.raises(RuleForbidden):
            services.metric_save(
                actor=user,
                metric=Metric(system=system),
                data={"name": "x", "direction": "higher_is_worse", "breach_threshold": 1},
            )


def test_ingestion_is_idempotent_on_metric_and_timestamp(owner, metric):
    at = ago(minutes=30)
    first = push(owner, metric, (at, 1.0), (at - timedelta(minutes=5), 2.0))
    again = push(owner, metric, (at, 9.0), (at - timedelta(minutes=5), 2.0))
    assert (first.created, first.duplicates) == (2, 0)
    assert (again.created, again.duplicates) == (0, 2)
    assert Observation.objects.filter(metric=metric).count() == 2
    assert Observation.objects.get(metric=metric, observed_at=at).value == 1.0  # first wins


def test_future_timestamps_refuse_the_whole_batch(owner, metric):
    with pytest.raises(ValidationError):
        push(owner, metric, (ago(minutes=1), 1.0), (timezone.now() + timedelta(hours=1), 2.0))
    assert not Observation.objects.exists()


def test_breach_opens_one_alert_and_one_incident_per_open_breach(owner, officer, metric):
    services.metric_save(actor=owner, metric=metric, data={"auto_incident_severity": "sev2"})
    result = push(owner, metric, (ago(minutes=50), 12.0))
    assert len(result.incidents_opened) == 1
    incident = result.incidents_opened[0]
    assert incident.severity == "sev2" and incident.detection_channel == "monitoring"
    # Still breaching: no second alert, no second incident.
    push(owner, metric, (ago(minutes=40), 15.0))
    push(owner, metric, (ago(minutes=30), 20.0))
    assert Alert.objects.filter(kind="breach").count() == 1
    assert Incident.objects.count() == 1
    # Back to normal closes the breach; a new breach is a new incident.
    push(owner, metric, (ago(minutes=20), 1.0))
    assert not Alert.objects.filter(kind="breach", resolved_at__isnull=True).exists()
    push(owner, metric, (ago(minutes=10), 11.0))
    assert Incident.objects.count() == 2
    assert Alert.objects.get(kind="breach", resolved_at__isnull=True).incident_id is not None


def test_breach_without_rule_alerts_only(owner, metric):
    result = push(owner, metric, (ago(minutes=5), 50.0))
    assert [a.kind for a in result.alerts_opened] == ["breach"]
    assert not Incident.objects.exists()


def test_warning_level_and_late_points_do_not_flip_state(owner, metric):
    push(owner, metric, (ago(minutes=10), 6.0))
    assert Alert.objects.get(resolved_at__isnull=True).kind == "warning"
    push(owner, metric, (ago(minutes=50), 50.0))  # older than the latest: stored, not evaluated
    assert not Alert.objects.filter(kind="breach").exists()
    assert Observation.objects.count() == 2


def test_lower_is_worse_direction(owner, system):
    accuracy = services.metric_save(
        actor=owner,
        metric=Metric(system=system),
        data={"name": "Accuracy", "direction": "lower_is_worse", "breach_threshold": 0.8},
    )
    push(owner, accuracy, (ago(minutes=5), 0.75))
    assert Alert.objects.get().kind == "breach"


def test_only_people_who_may_change_the_system_push(approver, other_owner, metric):
    for user in (approver, other_owner):
        with pytest.raises(RuleForbidden):
            push(user, metric, (ago(minutes=5), 1.0))
    assert not Observation.objects.exists()


def test_staleness_alert_once_and_resolved_by_the_next_observation(owner, metric):
    Metric.objects.filter(pk=metric.pk).update(created_at=ago(hours=3))
    assert len(services.monitoring_check_staleness()) == 1
    assert services.monitoring_check_staleness() == []  # once per silence
    assert Alert.objects.get().kind == "stale"
    push(owner, metric, (ago(minutes=1), 1.0))
    assert not Alert.objects.filter(resolved_at__isnull=True).exists()


def test_fresh_metric_is_not_stale(owner, metric):
    push(owner, metric, (ago(minutes=10), 1.0))
    assert services.monitoring_check_staleness() == []


def test_staleness_task_calls_the_service(metric):
    Metric.objects.filter(pk=metric.pk).update(created_at=ago(hours=3))
    assert check_metric_staleness.delay().get() == 1


def test_a_second_open_alert_of_a_kind_is_refused_quietly(metric):
    first = services._open_alert(metric, Alert.Kind.BREACH, "first", 11)
    Alert.objects.filter(pk=first.pk).update(message="kept")
    assert services._open_alert(metric, Alert.Kind.BREACH, "second", 12) is None
    assert Alert.objects.get().message == "kept"
