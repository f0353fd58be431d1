"""Shapes of management reviews and their actions in the API. Input shape only: every rule
is in audits.reviews.services; statuses change through explicit actions."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer
from audits.models import (
    ManagementReview,
    ReviewAction,
)
from inventory.api.serializers import display

from ...internal_audits.api.serializers import ActiveUserField

# --- Management reviews ---------------------------------------------------------------------


class ManagementReviewReadSerializer(AimsModelSerializer):
    reference = serializers.CharField(read_only=True)
    status_display = display("status")
    chair_username = serializers.CharField(source="chair.username", read_only=True)
    attendees = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    inputs = serializers.SerializerMethodField()
    trend = serializers.SerializerMethodField()

    class Meta:
        model = ManagementReview
        fields = [
            "id",
            "reference",
            "title",
            "meeting_date",
            "chair",
            "chair_username",
            "attendees",
            "status",
            "status_display",
            "inputs",
            "trend",
            "inputs_gathered_at",
            "input_notes",
            "decisions",
            "minutes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_inputs(self, obj) -> dict:
        """The figures gathered from live data, one object per input section."""
        return obj.inputs

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_trend(self, obj) -> dict:
        """The headline figures against the previous review held: per figure its value, the
        previous value, the difference and its direction (up, down, same, or new when there
        is no earlier figure)."""
        return (obj.inputs or {}).get("trend") or {"previous_review": None, "rows": []}


class ManagementReviewCreateSerializer(AimsModelSerializer):
    chair = ActiveUserField()
    attendees = ActiveUserField(many=True, required=False)
    since = serializers.DateField(
        required=False,
        help_text="Start of the period the inputs cover; default: the previous review's date.",
    )

    class Meta:
        model = ManagementReview
        fields = ["title", "meeting_date", "chair", "attendees", "since"]


class ManagementReviewUpdateSerializer(AimsModelSerializer):
    chair = ActiveUserField(required=False)
    attendees = ActiveUserField(many=True, required=False)

    class Meta:
        model = ManagementReview
        fields = ["title", "meeting_date", "chair", "attendees"]


class ReviewRefreshSerializer(AimsSerializer):
    since = serializers.DateField(required=False)


class ReviewRecordSerializer(AimsSerializer):
    decisions = serializers.CharField(help_text="Decisions on improvement and on changes.")
    minutes = serializers.CharField(required=False, allow_blank=True)
    input_notes = serializers.CharField(required=False, allow_blank=True)
    attendees = ActiveUserField(many=True, required=False)


# --- Review actions -------------------------------------------------------------------------


class ReviewActionReadSerializer(AimsModelSerializer):
    status_display = display("status")
    owner_username = serializers.CharField(source="owner.username", read_only=True)
    review_reference = serializers.CharField(source="review.reference", read_only=True)

    class Meta:
        model = ReviewAction
        fields = [
            "id",
            "review",
            "review_reference",
            "description",
            "owner",
            "owner_username",
            "due_date",
            "status",
            "status_display",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ReviewActionCreateSerializer(AimsModelSerializer):
    review = serializers.PrimaryKeyRelatedField(queryset=ManagementReview.objects.all())
    owner = ActiveUserField()

    class Meta:
        model = ReviewAction
        fields = ["review", "description", "owner", "due_date"]


class ReviewActionUpdateSerializer(AimsModelSerializer):
    owner = ActiveUserField(required=False)

    class Meta:
        model = ReviewAction
        fields = ["description", "owner", "due_date", "status"]
