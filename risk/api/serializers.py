"""Shapes of risk records in the API. Input shape only: the rules are in risk.services."""

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer
from inventory.api.serializers import VisibleSystemField, display

from .. import services
from ..models import (
    CONFIRMABLE,
    Classification,
    ImpactAssessment,
    Methodology,
    ObligationTimeline,
    OperatorRole,
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


class MethodologySerializer(AimsModelSerializer):
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


class ObligationSerializer(AimsSerializer):
    text = serializers.CharField(help_text="What to do.")
    articles = serializers.CharField(help_text="The articles it comes from, e.g. 'Art. 26(8)'.")
    applies = serializers.CharField(
        help_text="Key of the dates table (/api/v1/obligation-dates/); empty on obligations "
        "recorded under the first questionnaire."
    )
    party = serializers.CharField(help_text="Who carries it: a role, or 'public_body'.")
    applies_from = serializers.DateField(
        allow_null=True,
        help_text="The date it applies from under the organisation's chosen timeline and "
        "override dates; null when the key is unknown.",
    )


class ClassificationReadSerializer(AimsModelSerializer):
    status_display = display("status")
    result_display = display("result")
    confirmed_result_display = display("confirmed_result")
    system_reference = serializers.CharField(source="system.reference", read_only=True)
    risk_tier = serializers.CharField(
        source="system.risk_tier",
        read_only=True,
        help_text="The system's internal tier, derived from the confirmed result only.",
    )
    answers = serializers.DictField(
        help_text="Question key -> answer (true, false, 'unsure', a choice value or a list "
        "of them); the questions are at /api/v1/classifications/questions/."
    )
    reasoning = serializers.ListField(
        child=serializers.CharField(), help_text="How the questionnaire reached its result."
    )
    unsure = serializers.ListField(
        child=serializers.CharField(), help_text="The questions answered 'not sure'."
    )
    obligations = serializers.SerializerMethodField()
    classification_review_due = serializers.SerializerMethodField()
    classification_pending = serializers.SerializerMethodField()

    class Meta:
        model = Classification
        fields = [
            "id",
            "system",
            "system_reference",
            "status",
            "status_display",
            "questionnaire_version",
            "classification_review_due",
            "classification_pending",
            "answers",
            "role",
            "result",
            "result_display",
            "provisional_result",
            "unsure",
            "route",
            "reasoning",
            "obligations",
            "fria_required",
            "notes",
            "classified_by",
            "submitted_by",
            "submitted_at",
            "confirmed_result",
            "confirmed_result_display",
            "confirmed_by",
            "confirmed_at",
            "confirmed_version",
            "confirmation_reason",
            "risk_tier",
            "updated_at",
        ]

    @extend_schema_field(ObligationSerializer(many=True))
    def get_obligations(self, obj) -> list[dict]:
        if "timeline" not in self.context:
            self.context["timeline"] = services.timeline_current()
        return services.obligations_with_dates(obj, self.context["timeline"])

    def get_classification_review_due(self, obj) -> bool:
        """Answered under an older questionnaire version: to be answered again."""
        return services.classification_review_due(obj)

    def get_classification_pending(self, obj) -> bool:
        """No confirmed result yet: the tier says "classification pending"."""
        return obj.is_pending


@extend_schema_field(OpenApiTypes.INT)
class SystemIdField(VisibleSystemField):
    pass


class ClassificationWriteSerializer(AimsSerializer):
    system = SystemIdField()
    answers = serializers.DictField(
        help_text="Question key -> answer: true, false or 'unsure' for yes/no questions; a "
        "choice value or 'unsure' for a single choice; a list of choice values (['none'] for "
        "none) or 'unsure' for a many-choice question. Every question asked must be answered; "
        "see GET /api/v1/classifications/questions/."
    )
    role = serializers.ChoiceField(
        choices=OperatorRole.choices, help_text="The organisation's role for this system."
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    submit = serializers.BooleanField(
        required=False,
        default=False,
        help_text="True: submit the answers for a governance officer's confirmation at once.",
    )


class ClassificationUpdateSerializer(ClassificationWriteSerializer):
    """A patch of the answers: each omitted field keeps its value; it goes back to draft."""

    system = None
    answers = serializers.DictField(
        required=False, help_text=ClassificationWriteSerializer().fields["answers"].help_text
    )
    role = serializers.ChoiceField(choices=OperatorRole.choices, required=False)


class ConfirmSerializer(AimsSerializer):
    result = serializers.ChoiceField(
        choices=CONFIRMABLE,
        required=False,
        allow_blank=True,
        default="",
        help_text="Empty: confirm the questionnaire's result. Another result changes it "
        "(a reason is then required); required when the result is 'pending'.",
    )
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Why: required when the result changes or was pending.",
    )


class QuestionSerializer(AimsSerializer):
    key = serializers.CharField()
    section = serializers.CharField()
    text = serializers.CharField(help_text="The question, in plain language.")
    help = serializers.CharField()
    reference = serializers.CharField(help_text="The legal reference, e.g. 'Art. 5(1)(f)'.")
    examples = serializers.ListField(child=serializers.CharField())
    choices = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        allow_null=True,
        help_text="[value, label] pairs; null: a yes / no / not sure question.",
    )
    many = serializers.BooleanField(help_text="Several choices may be picked (a list).")
    show_if = serializers.DictField(
        help_text="Asked only when, for every named question, its answer is one of the listed "
        "values."
    )
    prefill = serializers.CharField(help_text="The intake field it is pre-filled from, if any.")


class ObligationDateSerializer(AimsSerializer):
    key = serializers.CharField()
    label = serializers.CharField()
    act = serializers.DateField(help_text="The date under the AI Act as adopted.")
    omnibus = serializers.DateField(help_text="The date under the Digital Omnibus proposal.")
    override = serializers.DateField(allow_null=True)
    applies_from = serializers.DateField(help_text="The date that counts for the organisation.")


class ObligationTimelineSerializer(AimsModelSerializer):
    dates = serializers.SerializerMethodField()

    class Meta:
        model = ObligationTimeline
        fields = ["id", "timeline", "overrides", "dates", "updated_at"]
        read_only_fields = ["updated_at"]

    @extend_schema_field(ObligationDateSerializer(many=True))
    def get_dates(self, obj) -> list[dict]:
        return [row.__dict__ for row in services.timeline_rows(obj)]


class TierDecisionSerializer(AimsModelSerializer):
    tier_display = display("tier")

    class Meta:
        model = TierDecision
        fields = ["id", "system", "tier", "tier_display", "reasons", "decided_by", "updated_at"]


class TierRequirementSerializer(AimsModelSerializer):
    class Meta:
        model = TierRequirement
        fields = [
            "id",
            "tier",
            "gate",
            *services.REQUIREMENT_FIELDS,
        ]
        read_only_fields = ["tier", "gate"]


class RiskAssessmentReadSerializer(AimsModelSerializer):
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


class RiskAssessmentWriteSerializer(AimsModelSerializer):
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


class TreatmentActionReadSerializer(AimsModelSerializer):
    status_display = display("status")

    class Meta:
        model = TreatmentAction
        fields = ["id", "risk", "title", "owner", "due_date", "status", "status_display", "notes"]


class TreatmentActionWriteSerializer(AimsModelSerializer):
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


class RiskReadSerializer(AimsModelSerializer):
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


class RiskWriteSerializer(AimsModelSerializer):
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


class AcceptSerializer(AimsSerializer):
    justification = serializers.CharField()


class HarmSerializer(AimsSerializer):
    """One potential harm, as the form's rows store it. A refusal is keyed by the row's
    index in ``harms`` (from 0) and the field: {"harms": {"1": {"severity": ["..."]}}}."""

    SCORE = {
        "required": "Give a score from 1 to 5.",
        "invalid": "Give a whole number from 1 to 5.",
        "min_value": "Give a score from 1 to 5.",
        "max_value": "Give a score from 1 to 5.",
    }

    description = serializers.CharField(error_messages={"required": "Describe the harm."})
    severity = serializers.IntegerField(
        min_value=1, max_value=5, help_text="1 Negligible … 5 Severe.", error_messages=SCORE
    )
    likelihood = serializers.IntegerField(
        min_value=1, max_value=5, help_text="1 Rare … 5 Almost certain.", error_messages=SCORE
    )
    reversibility = serializers.ChoiceField(
        choices=["reversible", "partly_reversible", "irreversible"],
        error_messages={
            "required": "Say whether the harm can be undone.",
            "invalid_choice": "Choose reversible, partly_reversible or irreversible.",
        },
    )


IMPACT_FIELDS = list(services.IMPACT_FIELDS)


class ImpactAssessmentReadSerializer(AimsModelSerializer):
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


class ImpactAssessmentWriteSerializer(AimsModelSerializer):
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


class SignOffSerializer(AimsSerializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class CheckSerializer(AimsSerializer):
    label = serializers.CharField()
    met = serializers.BooleanField()
    missing = serializers.CharField()
    enforced = serializers.BooleanField()


class RiskProfileSerializer(AimsSerializer):
    system = serializers.IntegerField()
    risk_tier = serializers.CharField()
    classification = ClassificationReadSerializer(allow_null=True)
    classification_review_due = serializers.BooleanField(
        help_text="The classification was answered under an older questionnaire version."
    )
    tier_decision = TierDecisionSerializer(allow_null=True)
    checklist = serializers.DictField(child=CheckSerializer(many=True))
    heatmap = serializers.DictField()
