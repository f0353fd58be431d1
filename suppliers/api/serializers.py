"""Shapes of supplier records in the API. Input shape only: every rule is in
suppliers.services. Status, scores and assessments are read-only: they change through
explicit actions."""

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer
from suppliers import selectors
from suppliers.models import (
    ReviewAnswer,
    ReviewQuestion,
    Supplier,
    SupplierReview,
    VendorChangeImpact,
    VendorChangeNotice,
    VendorChangeObservation,
)
from suppliers.services import (
    CONFIRM_DECISIONS,
    NOTICE_FIELDS,
    QUESTION_FIELDS,
    SUPPLIER_FIELDS,
    TRANSITIONS,
)

CHOICES = VendorChangeImpact.CHOICES

User = get_user_model()


class ChoiceLabelField(serializers.CharField):
    """The human label of a choice field."""

    def __init__(self, field: str, **kwargs):
        self.choice_field = field
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance) -> str:
        return getattr(instance, f"get_{self.choice_field}_display")()


def display(field: str) -> ChoiceLabelField:
    return ChoiceLabelField(field)


@extend_schema_field(OpenApiTypes.INT)
class VisibleSupplierField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return selectors.supplier_list(user=self.context["request"].user)


# --- Suppliers ------------------------------------------------------------------------------


class SupplierReadSerializer(AimsModelSerializer):
    reference = serializers.CharField(read_only=True)
    owner_username = serializers.CharField(source="owner.username", read_only=True)
    supplier_type_display = display("supplier_type")
    criticality_display = display("criticality")
    status_display = display("status")
    trains_on_our_data_display = display("trains_on_our_data")

    class Meta:
        model = Supplier
        fields = [
            "id",
            "reference",
            *SUPPLIER_FIELDS,
            "supplier_type_display",
            "criticality_display",
            "trains_on_our_data_display",
            "owner",
            "owner_username",
            "status",
            "status_display",
            "status_conditions",
            "approved_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SupplierWriteSerializer(AimsModelSerializer):
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False
    )

    class Meta:
        model = Supplier
        fields = [*SUPPLIER_FIELDS, "owner"]


class SupplierTransitionSerializer(AimsSerializer):
    action = serializers.ChoiceField(choices=sorted(TRANSITIONS))
    conditions = serializers.CharField(required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class DependentComponentSerializer(AimsSerializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    name = serializers.CharField()
    model_identifier = serializers.CharField()


class DependentSerializer(AimsSerializer):
    system_id = serializers.IntegerField()
    reference = serializers.CharField()
    name = serializers.CharField()
    stage = serializers.CharField()
    tier = serializers.CharField()
    components = DependentComponentSerializer(many=True)


# --- Questionnaire and reviews --------------------------------------------------------------


class ReviewQuestionSerializer(AimsModelSerializer):
    topic_display = display("topic")

    class Meta:
        model = ReviewQuestion
        fields = ["id", *QUESTION_FIELDS, "topic_display", "created_at", "updated_at"]
        read_only_fields = ["id", "topic_display", "created_at", "updated_at"]


class ReviewAnswerReadSerializer(AimsModelSerializer):
    topic_display = display("topic")
    value_display = display("value")

    class Meta:
        model = ReviewAnswer
        fields = [
            "id",
            "review",
            "question",
            "topic",
            "topic_display",
            "question_text",
            "weight",
            "value",
            "value_display",
            "comment",
            "updated_at",
        ]
        read_only_fields = fields


class SupplierReviewReadSerializer(AimsModelSerializer):
    reference = serializers.CharField(read_only=True)
    supplier_reference = serializers.CharField(source="supplier.reference", read_only=True)
    reviewer_username = serializers.CharField(source="reviewer.username", read_only=True)
    status_display = display("status")
    rating_display = display("rating")
    decision_display = display("decision")

    class Meta:
        model = SupplierReview
        fields = [
            "id",
            "reference",
            "supplier",
            "supplier_reference",
            "reviewer",
            "reviewer_username",
            "status",
            "status_display",
            "score",
            "rating",
            "rating_display",
            "decision",
            "decision_display",
            "conditions",
            "summary",
            "completed_at",
            "created_at",
        ]
        read_only_fields = fields


class SupplierReviewDetailSerializer(SupplierReviewReadSerializer):
    answers = ReviewAnswerReadSerializer(many=True, read_only=True)

    class Meta(SupplierReviewReadSerializer.Meta):
        fields = [*SupplierReviewReadSerializer.Meta.fields, "answers"]
        read_only_fields = fields


class ReviewStartSerializer(AimsSerializer):
    supplier = VisibleSupplierField()


class AnswerInputSerializer(AimsSerializer):
    id = serializers.IntegerField()
    value = serializers.ChoiceField(
        choices=[c for c in ReviewAnswer.Value.values], required=False, allow_blank=True
    )
    comment = serializers.CharField(required=False, allow_blank=True)


class ReviewAnswersSerializer(AimsSerializer):
    answers = AnswerInputSerializer(many=True, allow_empty=False)


class ReviewCompleteSerializer(AimsSerializer):
    decision = serializers.ChoiceField(choices=SupplierReview.Decision.choices)
    conditions = serializers.CharField(required=False, allow_blank=True, default="")
    summary = serializers.CharField(required=False, allow_blank=True, default="")


# --- Vendor changes -------------------------------------------------------------------------


class VendorChangeImpactSerializer(AimsModelSerializer):
    notice_reference = serializers.CharField(source="notice.reference", read_only=True)
    assessment_display = display("assessment")
    assessed_by_username = serializers.CharField(
        source="assessed_by.username", read_only=True, default=None
    )

    class Meta:
        model = VendorChangeImpact
        fields = [
            "id",
            "notice",
            "notice_reference",
            "system_id",
            "system_label",
            "components",
            "change_reference",
            "under_review",
            "assessment",
            "assessment_display",
            "rationale",
            "assessed_by",
            "assessed_by_username",
            "assessed_at",
            "confirmed_by",
            "confirmed_at",
            "officer_note",
            "created_at",
        ]
        read_only_fields = fields


class VendorChangeObservationSerializer(AimsModelSerializer):
    """One report of the change: a component on which it was seen (the component's id is
    ``target_id``), or a report recorded by hand (``target_id`` null) through the browser, the
    API or an import, in its own words."""

    channel_display = display("channel")

    class Meta:
        model = VendorChangeObservation
        fields = [
            "id",
            "target_id",
            "label",
            "channel",
            "channel_display",
            "source",
            "wording",
            "previous_identifier",
            "observed_identifier",
            "reported_by",
            "created_at",
        ]
        read_only_fields = fields


class VendorChangeNoticeReadSerializer(AimsModelSerializer):
    reference = serializers.CharField(read_only=True)
    supplier_reference = serializers.CharField(source="supplier.reference", read_only=True)
    kind_display = display("kind")
    source_display = display("source")
    status_display = display("status")
    observations = VendorChangeObservationSerializer(many=True, read_only=True)

    class Meta:
        model = VendorChangeNotice
        fields = [
            "id",
            "reference",
            "supplier",
            "supplier_reference",
            *NOTICE_FIELDS,
            "kind_display",
            "source_display",
            "change_key",
            "observations",
            "status",
            "status_display",
            "recorded_by",
            "reviewed_at",
            "created_at",
        ]
        read_only_fields = fields


class VendorChangeNoticeWriteSerializer(AimsModelSerializer):
    supplier = VisibleSupplierField()

    class Meta:
        model = VendorChangeNotice
        fields = ["supplier", *NOTICE_FIELDS]


class AssessmentSerializer(AimsSerializer):
    assessment = serializers.ChoiceField(
        choices=[c for c in VendorChangeImpact.Assessment.choices if c[0] in CHOICES]
    )
    rationale = serializers.CharField()


class ConfirmationSerializer(AimsSerializer):
    decision = serializers.ChoiceField(
        choices=CONFIRM_DECISIONS,
        help_text="confirm the owner's 'no impact', or send_back to assess again.",
    )
    reason = serializers.CharField()
