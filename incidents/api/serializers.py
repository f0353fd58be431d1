"""Shapes of incidents, metrics, observations and alerts in the API. Input shape only: every
rule is in incidents.services; status fields change through explicit actions."""

import math

from django.utils import timezone
from rest_framework import serializers

from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer
from aims.capa.api.views import (  # noqa: F401 (re-exported for the incident API)
    CorrectiveActionCreateSerializer,
    CorrectiveActionReadSerializer,
)
from incidents.models import (
    MAX_TARGET_HOURS,
    Alert,
    Incident,
    IncidentEvent,
    IncidentTimeTarget,
    Metric,
    Observation,
    ReportKind,
    SeriousCase,
    Severity,
)
from incidents.services import DETAIL_FIELDS, FUTURE_TOLERANCE, TRANSITIONS
from inventory.api.serializers import VisibleSystemField, display


class IncidentReadSerializer(AimsModelSerializer):
    reference = serializers.CharField(read_only=True)
    severity_display = display("severity")
    status_display = display("status")
    category_display = display("category")
    detection_channel_display = display("detection_channel")
    owner_username = serializers.CharField(source="owner.username", read_only=True)
    reporter_username = serializers.CharField(source="reporter.username", read_only=True)
    systems = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()
    reporting_days_left = serializers.SerializerMethodField()
    reporting_hours_overdue = serializers.SerializerMethodField()
    report_due_text = serializers.CharField(
        read_only=True,
        help_text="The Art. 73 due moment in the configured time zone, the zone named.",
    )
    time_zone = serializers.SerializerMethodField()
    lateness = serializers.SerializerMethodField()
    aware_at_corrected_by_username = serializers.CharField(
        source="aware_at_corrected_by.username", default=None, read_only=True
    )

    class Meta:
        model = Incident
        fields = [
            "id",
            "reference",
            "title",
            "description",
            "system",
            "systems",
            "owner",
            "owner_username",
            "reporter",
            "reporter_username",
            "detection_channel",
            "detection_channel_display",
            "category",
            "category_display",
            "severity",
            "severity_display",
            "status",
            "status_display",
            "aware_at",
            "aware_at_original",
            "aware_at_corrected_at",
            "aware_at_corrected_by",
            "aware_at_corrected_by_username",
            "aware_at_correction_reason",
            "people_affected",
            "impact",
            "containment",
            "root_cause",
            "lessons_learned",
            "flagged_high_risk",
            "serious_case",
            "report_due_at",
            "reporting_deadline",
            "reporting_days_left",
            "reporting_hours_overdue",
            "report_due_text",
            "time_zone",
            "lateness",
            "initial_report_at",
            "initial_report_reference",
            "report_submitted_at",
            "report_reference",
            "report_hours_late",
            "acknowledged_at",
            "contained_at",
            "resolved_at",
            "closed_at",
            "overdue",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_systems(self, obj) -> list[int]:
        # Prefetched on detail; on lists the primary system is listed first.
        return sorted(s.pk for s in obj.systems.all())

    def get_overdue(self, obj) -> list[str]:
        return obj.overdue_stages()

    def get_reporting_days_left(self, obj) -> int | None:
        return obj.reporting_days_left()

    def get_reporting_hours_overdue(self, obj) -> int | None:
        return obj.reporting_hours_overdue()

    def get_time_zone(self, obj) -> str:
        """The zone the times of this answer are given in (the configured one)."""
        return timezone.get_current_timezone_name()

    def get_lateness(self, obj) -> str:
        return obj.lateness()


class IncidentCreateSerializer(AimsModelSerializer):
    system = VisibleSystemField()
    other_systems = VisibleSystemField(many=True, required=False, source="systems")
    aware_at = serializers.DateTimeField(required=False)

    class Meta:
        model = Incident
        fields = [
            "system",
            "other_systems",
            "title",
            "description",
            "detection_channel",
            "category",
            "severity",
            "aware_at",
            "people_affected",
            "impact",
            "flagged_high_risk",
        ]

    def validate_aware_at(self, value):
        if value > timezone.now() + FUTURE_TOLERANCE:
            raise serializers.ValidationError("Awareness cannot be in the future.")
        return value


class IncidentUpdateSerializer(AimsModelSerializer):
    class Meta:
        model = Incident
        fields = list(DETAIL_FIELDS)


class IncidentTransitionSerializer(AimsSerializer):
    action = serializers.ChoiceField(choices=list(TRANSITIONS))
    note = serializers.CharField(required=False, allow_blank=True, default="")


class SeveritySerializer(AimsSerializer):
    severity = serializers.ChoiceField(choices=Severity.choices)
    reason = serializers.CharField()


class SeriousSerializer(AimsSerializer):
    case = serializers.ChoiceField(choices=SeriousCase.choices)


class ReportSubmittedSerializer(AimsSerializer):
    kind = serializers.ChoiceField(
        choices=ReportKind.choices,
        default=ReportKind.COMPLETE,
        help_text="initial (Art. 73(5), may be incomplete) or complete (the default).",
    )
    reference = serializers.CharField(max_length=200)
    submitted_at = serializers.DateTimeField(
        required=False, help_text="When it was sent (now if absent); not before awareness."
    )


class AwarenessCorrectionSerializer(AimsSerializer):
    aware_at = serializers.DateTimeField(help_text="The corrected awareness time.")
    reason = serializers.CharField(
        max_length=2000, help_text="Why; kept with the incident beside the original time."
    )


class NoteSerializer(AimsSerializer):
    message = serializers.CharField()


class IncidentEventSerializer(AimsModelSerializer):
    actor_username = serializers.CharField(source="actor.username", default="", read_only=True)

    class Meta:
        model = IncidentEvent
        fields = ["id", "kind", "message", "actor", "actor_username", "created_at"]


# --- Monitoring -----------------------------------------------------------------------------


class MetricReadSerializer(AimsModelSerializer):
    direction_display = display("direction")

    class Meta:
        model = Metric
        fields = [
            "id",
            "system",
            "name",
            "unit",
            "direction",
            "direction_display",
            "warning_threshold",
            "breach_threshold",
            "expected_interval_minutes",
            "auto_incident_severity",
            "last_observed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MetricWriteSerializer(AimsModelSerializer):
    system = VisibleSystemField()

    class Meta:
        model = Metric
        fields = [
            "system",
            "name",
            "unit",
            "direction",
            "warning_threshold",
            "breach_threshold",
            "expected_interval_minutes",
            "auto_incident_severity",
        ]
        # Uniqueness per system is checked by the service's full_clean (a field error).
        validators = []


class MetricUpdateSerializer(MetricWriteSerializer):
    class Meta(MetricWriteSerializer.Meta):
        fields = [f for f in MetricWriteSerializer.Meta.fields if f != "system"]


class ObservationInSerializer(AimsSerializer):
    """One measurement. ``metric`` is checked against the user's metrics by the view, for the
    whole batch in one query."""

    metric = serializers.IntegerField(min_value=1)
    observed_at = serializers.DateTimeField()
    value = serializers.FloatField()

    def validate_value(self, value):
        if not math.isfinite(value):
            raise serializers.ValidationError("A finite number is required.")
        return value

    def validate_observed_at(self, value):
        if value > timezone.now() + FUTURE_TOLERANCE:
            raise serializers.ValidationError("Timestamps in the future are refused.")
        return value


MAX_BULK = 10_000


class ObservationBulkSerializer(AimsSerializer):
    observations = ObservationInSerializer(many=True, allow_empty=False, max_length=MAX_BULK)


class ObservationReadSerializer(AimsModelSerializer):
    class Meta:
        model = Observation
        fields = ["id", "metric", "observed_at", "value", "created_at"]


class IngestResultSerializer(AimsSerializer):
    received = serializers.IntegerField()
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    alerts_opened = serializers.ListField(child=serializers.IntegerField())
    incidents_opened = serializers.ListField(child=serializers.IntegerField())


class AlertReadSerializer(AimsModelSerializer):
    kind_display = display("kind")
    system = serializers.IntegerField(source="metric.system_id", read_only=True)
    is_open = serializers.BooleanField(read_only=True)

    class Meta:
        model = Alert
        fields = [
            "id",
            "metric",
            "system",
            "kind",
            "kind_display",
            "message",
            "value",
            "opened_at",
            "resolved_at",
            "is_open",
            "incident",
        ]


# --- Time targets ---------------------------------------------------------------------------


class IncidentTimeTargetReadSerializer(AimsModelSerializer):
    severity_display = display("severity")
    updated_by_username = serializers.CharField(
        source="updated_by.username",
        default=None,
        allow_null=True,
        read_only=True,
        help_text="Who changed the targets last (null: as seeded at installation).",
    )

    class Meta:
        model = IncidentTimeTarget
        fields = [
            "id",
            "severity",
            "severity_display",
            "acknowledge_hours",
            "contain_hours",
            "resolve_hours",
            "updated_at",
            "updated_by",
            "updated_by_username",
        ]
        read_only_fields = fields
        extra_kwargs = {
            "acknowledge_hours": {"help_text": "Hours from report until triage is due."},
            "contain_hours": {"help_text": "Hours from report until containment is due."},
            "resolve_hours": {"help_text": "Hours from report until resolution is due."},
        }


def _hours(stage: str) -> serializers.IntegerField:
    return serializers.IntegerField(
        min_value=1,
        max_value=MAX_TARGET_HOURS,
        required=False,
        help_text=f"Hours from report until the incident must be {stage} "
        f"(1 to {MAX_TARGET_HOURS}).",
    )


class IncidentTimeTargetUpdateSerializer(AimsSerializer):
    """Any of the three hours; the order acknowledge <= contain <= resolve is checked by the
    service against the values after the change (a field error)."""

    acknowledge_hours = _hours("acknowledged")
    contain_hours = _hours("contained")
    resolve_hours = _hours("resolved")
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=500,
        write_only=True,
        help_text="Why the targets change; kept in the history.",
    )
