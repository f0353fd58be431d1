"""Shapes of risk records in the API. Input shape only: the rules are in risk.services."""

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from inventory.api.serializers import VisibleSystemField, display

from .. import classification as questionnaire
from .. import services
from ..models import (
    Classification,
    ImpactAssessment,
    Methodology,
    Risk,
    RiskAssessment,
    TierDecision,
    TierRequirement,
    TreatmentAction,
)

User = get_user_model()


class ActiveUserField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return User.objects.filter(is_active=True)


class MethodologySerializer(serializers.ModelSerializer):
    class Meta:
        model = Methodology
        fields = [
            "id",
            "name",
            "version",
            "likelihood_scale",
            "impact_scale",
            "thresholds",
            "appetite",
            "updated_at",
        ]
        read_only_fields = ["version", "updated_at"]


class ClassificationReadSerializer(serializers.ModelSerializer):
    result_display = display("result")
    system_reference = serializers.CharField(source="system.reference", read_only=True)
    risk_tier = serializers.CharField(source="system.risk_tier", read_only=True)

    class Meta:
        model = Classification
        fields = [
            "id",
            "system",
            "system_reference",
            "answers",
            "role",
            "result",
            "result_display",
            "route",
            "reasoning",
            "obligations",
            "fria_required",
            "notes",
            "classified_by",
            "risk_tier",
            "updated_at",
        ]


@extend_schema_field(OpenApiTypes.INT)
class SystemIdField(VisibleSystemField):
    pass


class ClassificationWriteSerializer(serializers.Serializer):
    system = SystemIdField()
    answers = serializers.DictField(
        help_text="Question key -> answer; see /classification-questions/."
    )
    role = serializers.ChoiceField(choices=questionnaire.ROLES)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class QuestionSerializer(serializers.Serializer):
    key = serializers.CharField()
    section = serializers.CharField()
    text = serializers.CharField()
    help = serializers.CharField()
    choices = serializers.ListField(child=serializers.ListField(), allow_null=True)


class TierDecisionSerializer(serializers.ModelSerializer):
    tier_display = display("tier")

    class Meta:
        model = TierDecision
        fields = ["id", "system", "tier", "tier_display", "reasons", "decided_by", "updated_at"]


class TierRequirementSerializer(serializers.ModelSerializer):
    class Meta:
        model = TierRequirement
        fields = [
            "id",
            "tier",
            "gate",
            *services.REQUIREMENT_FIELDS,
        ]
        read_only_fields = ["tier", "gate"]


class RiskAssessmentReadSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = RiskAssessment
        fields = [
            "id",
            "reference",
            "system",
            "title",
            "assessed_on",
            "assessor",
            "scope",
            "method",
            "participants",
            "conclusion",
            "methodology_version",
            "created_at",
        ]


class RiskAssessmentWriteSerializer(serializers.ModelSerializer):
    system = VisibleSystemField()
    assessor = ActiveUserField(required=False)

    class Meta:
        model = RiskAssessment
        fields = [
            "system",
            "title",
            "assessed_on",
            "assessor",
            "scope",
            "method",
            "participants",
            "conclusion",
        ]


class TreatmentActionReadSerializer(serializers.ModelSerializer):
    status_display = display("status")

    class Meta:
        model = TreatmentAction
        fields = ["id", "risk", "title", "owner", "due_date", "status", "status_display", "notes"]


class TreatmentActionWriteSerializer(serializers.ModelSerializer):
    owner = ActiveUserField(required=False)

    class Meta:
        model = TreatmentAction
        fields = ["risk", "title", "owner", "due_date", "status", "notes"]

    def get_fields(self):
        fields = super().get_fields()
        from .. import selectors

        request = self.context["request"]
        fields["risk"].queryset = selectors.risk_list(user=request.user)
        if self.instance is not None:
            fields["risk"].read_only = True
        return fields


class RiskReadSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    system_reference = serializers.CharField(source="system.reference", read_only=True)
    category_display = display("category")
    risk_source_display = display("risk_source")
    treatment_display = display("treatment")
    inherent_level_display = display("inherent_level")
    residual_level_display = display("residual_level")
    acceptance_display = display("acceptance")

    class Meta:
        model = Risk
        fields = [
            "id",
            "reference",
            "system",
            "system_reference",
            "assessment",
            "title",
            "description",
            "category",
            "category_display",
            "risk_source",
            "risk_source_display",
            "inherent_likelihood",
            "inherent_impact",
            "inherent_score",
            "inherent_level",
            "inherent_level_display",
            "treatment",
            "treatment_display",
            "residual_likelihood",
            "residual_impact",
            "residual_score",
            "residual_level",
            "residual_level_display",
            "methodology_version",
            "appetite",
            "acceptance",
            "acceptance_display",
            "accepted_by",
            "accepted_at",
            "acceptance_justification",
            "owner",
            "review_date",
            "created_at",
            "updated_at",
        ]


class RiskWriteSerializer(serializers.ModelSerializer):
    system = VisibleSystemField()
    owner = ActiveUserField(required=False)

    class Meta:
        model = Risk
        fields = ["system", *services.RISK_FIELDS]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["system"].read_only = True
        return fields


class AcceptSerializer(serializers.Serializer):
    justification = serializers.CharField()


class HarmSerializer(serializers.Serializer):
    description = serializers.CharField()
    severity = serializers.IntegerField(min_value=1, max_value=5)
    likelihood = serializers.IntegerField(min_value=1, max_value=5)
    reversibility = serializers.ChoiceField(
        choices=["reversible", "partly_reversible", "irreversible"]
    )


IMPACT_FIELDS = list(services.IMPACT_FIELDS)


class ImpactAssessmentReadSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)
    status_display = display("status")

    class Meta:
        model = ImpactAssessment
        fields = [
            "id",
            "reference",
            "system",
            *IMPACT_FIELDS,
            "status",
            "status_display",
            "signed_off_by",
            "signed_off_at",
            "sign_off_comment",
            "created_at",
            "updated_at",
        ]


class ImpactAssessmentWriteSerializer(serializers.ModelSerializer):
    system = VisibleSystemField()
    harms = HarmSerializer(many=True, required=False)

    class Meta:
        model = ImpactAssessment
        fields = ["system", *IMPACT_FIELDS]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            fields["system"].read_only = True
        return fields


class SignOffSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class CheckSerializer(serializers.Serializer):
    label = serializers.CharField()
    met = serializers.BooleanField()
    missing = serializers.CharField()
    enforced = serializers.BooleanField()


class RiskProfileSerializer(serializers.Serializer):
    system = serializers.IntegerField()
    risk_tier = serializers.CharField()
    classification = ClassificationReadSerializer(allow_null=True)
    tier_decision = TierDecisionSerializer(allow_null=True)
    checklist = serializers.DictField(child=CheckSerializer(many=True))
    heatmap = serializers.DictField()
