"""Serializers of the management-system API: scope, interested parties, context issues,
policies with their versions and acknowledgements, objectives with their progress readings.
Read serializers shape output; write serializers shape input for aims.ms.services."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer
from aims.models import (
    AIMSScope,
    ContextIssue,
    InterestedParty,
    Objective,
    ObjectiveUpdate,
    OrganisationProfile,
    PartyFeedback,
    Policy,
    PolicyAcknowledgement,
    PolicyVersion,
)
from aims.ms import selectors as ms_selectors
from aims.ms.services import (
    FEEDBACK_FIELDS,
    ISSUE_FIELDS,
    OBJECTIVE_FIELDS,
    PARTY_FIELDS,
    POLICY_FIELDS,
    PROFILE_FIELDS,
    SCOPE_FIELDS,
    VERSION_FIELDS,
)

User = get_user_model()


def _active_users():
    return User.objects.filter(is_active=True)


class OwnerMixin(AimsSerializer):
    owner = serializers.PrimaryKeyRelatedField(
        queryset=_active_users(), required=False, help_text="User id; defaults to you."
    )


# --- Scope ----------------------------------------------------------------------------------


class ScopeReadSerializer(AimsModelSerializer):
    owner_username = serializers.CharField(source="owner.username", read_only=True)
    approved_by_username = serializers.CharField(
        source="approved_by.username", read_only=True, allow_null=True, default=None
    )
    systems_in_scope = serializers.SerializerMethodField(
        help_text="How many AI systems of the inventory are flagged as in scope."
    )

    class Meta:
        model = AIMSScope
        fields = [
            "id",
            *SCOPE_FIELDS,
            "owner_username",
            "approved_by",
            "approved_by_username",
            "approved_at",
            "systems_in_scope",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_systems_in_scope(self, obj) -> int:
        return ms_selectors.systems_in_scope().count()


class ScopeWriteSerializer(OwnerMixin, AimsModelSerializer):
    """The scope's content; a change withdraws an earlier approval."""

    class Meta:
        model = AIMSScope
        fields = list(SCOPE_FIELDS)


# --- Organisation profile ---------------------------------------------------------------------


class OrganisationProfileReadSerializer(AimsModelSerializer):
    sector_display = serializers.CharField(source="get_sector_display", read_only=True)
    size_band_display = serializers.CharField(source="get_size_band_display", read_only=True)

    class Meta:
        model = OrganisationProfile
        fields = [
            "id",
            *PROFILE_FIELDS,
            "sector_display",
            "size_band_display",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class OrganisationProfileWriteSerializer(AimsModelSerializer):
    """The profile's answers; ``frameworks`` is a list of codes (ISO/IEC 42001 is added)."""

    frameworks = serializers.ListField(
        child=serializers.ChoiceField(choices=OrganisationProfile.Framework.choices),
        required=False,
    )

    class Meta:
        model = OrganisationProfile
        fields = list(PROFILE_FIELDS)


# --- Context registers ----------------------------------------------------------------------


class InterestedPartyReadSerializer(AimsModelSerializer):
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    owner_username = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = InterestedParty
        fields = [
            "id",
            *PARTY_FIELDS,
            "category_display",
            "owner_username",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class InterestedPartyWriteSerializer(OwnerMixin, AimsModelSerializer):
    class Meta:
        model = InterestedParty
        fields = list(PARTY_FIELDS)


class PartyFeedbackReadSerializer(AimsModelSerializer):
    party_name = serializers.CharField(source="party.name", read_only=True)
    received_by = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = PartyFeedback
        fields = ["id", *FEEDBACK_FIELDS, "party_name", "received_by", "created_at", "updated_at"]
        read_only_fields = fields


class PartyFeedbackWriteSerializer(OwnerMixin, AimsModelSerializer):
    class Meta:
        model = PartyFeedback
        fields = list(FEEDBACK_FIELDS)


class ContextIssueReadSerializer(AimsModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    owner_username = serializers.CharField(source="owner.username", read_only=True)

    class Meta:
        model = ContextIssue
        fields = [
            "id",
            *ISSUE_FIELDS,
            "kind_display",
            "category_display",
            "owner_username",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ContextIssueWriteSerializer(OwnerMixin, AimsModelSerializer):
    class Meta:
        model = ContextIssue
        fields = list(ISSUE_FIELDS)


class DeleteReasonSerializer(AimsSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


# --- Policies -------------------------------------------------------------------------------


class PolicyVersionSummarySerializer(AimsModelSerializer):
    class Meta:
        model = PolicyVersion
        fields = ["id", "number", "status", "published_at"]
        read_only_fields = fields


class PolicyVersionReadSerializer(AimsModelSerializer):
    policy_reference = serializers.CharField(source="policy.reference", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = PolicyVersion
        fields = [
            "id",
            "policy",
            "policy_reference",
            "number",
            "status",
            "status_display",
            "body",
            "change_summary",
            "drafted_by",
            "approved_by",
            "approved_at",
            "published_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PolicyVersionWriteSerializer(AimsModelSerializer):
    """The text of a draft (approved and published versions never change)."""

    class Meta:
        model = PolicyVersion
        fields = list(VERSION_FIELDS)


class PolicyReadSerializer(AimsModelSerializer):
    reference = serializers.CharField(read_only=True)
    owner_username = serializers.CharField(source="owner.username", read_only=True)
    published_version = serializers.SerializerMethodField()
    version_in_progress = serializers.SerializerMethodField()

    class Meta:
        model = Policy
        fields = [
            "id",
            "reference",
            *POLICY_FIELDS,
            "owner_username",
            "published_version",
            "version_in_progress",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _current(self, obj) -> tuple:
        return ms_selectors.current_versions(obj)

    @extend_schema_field(PolicyVersionSummarySerializer(allow_null=True))
    def get_published_version(self, obj) -> dict | None:
        version = self._current(obj)[0]
        return PolicyVersionSummarySerializer(version).data if version else None

    @extend_schema_field(PolicyVersionSummarySerializer(allow_null=True))
    def get_version_in_progress(self, obj) -> dict | None:
        version = self._current(obj)[1]
        return PolicyVersionSummarySerializer(version).data if version else None


class PolicyCreateSerializer(OwnerMixin, AimsModelSerializer):
    """A policy and the text of its first draft."""

    body = serializers.CharField(help_text="Text of the first draft version.")
    change_summary = serializers.CharField(required=False, allow_blank=True)

    class Meta:
        model = Policy
        fields = [f for f in POLICY_FIELDS if f != "next_review_date"] + [
            "body",
            "change_summary",
        ]


class PolicyUpdateSerializer(OwnerMixin, AimsModelSerializer):
    class Meta:
        model = Policy
        fields = list(POLICY_FIELDS)


class AcknowledgeInputSerializer(AimsSerializer):
    version = serializers.IntegerField(
        required=False,
        help_text="The version id the user read; refused if it is no longer the published one.",
    )


class AcknowledgementSerializer(AimsModelSerializer):
    policy = serializers.IntegerField(source="version.policy_id", read_only=True)
    version_number = serializers.IntegerField(source="version.number", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    created = serializers.SerializerMethodField(
        help_text="False when you had already acknowledged this version (nothing was written)."
    )

    class Meta:
        model = PolicyAcknowledgement
        fields = [
            "id",
            "policy",
            "version",
            "version_number",
            "user",
            "username",
            "acknowledged_at",
            "created",
        ]
        read_only_fields = fields

    def get_created(self, obj) -> bool:
        return bool(self.context.get("created", False))


class UserBriefSerializer(AimsSerializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField(source="get_full_name")


class AcknowledgementEntrySerializer(AimsSerializer):
    user = UserBriefSerializer()
    acknowledged_at = serializers.DateTimeField()


class AcknowledgementStatusSerializer(AimsSerializer):
    version = PolicyVersionSummarySerializer(allow_null=True)
    active_users = serializers.IntegerField()
    acknowledged_count = serializers.SerializerMethodField()
    rate = serializers.IntegerField(allow_null=True, help_text="Percentage of active users.")
    acknowledged = AcknowledgementEntrySerializer(many=True)
    missing = UserBriefSerializer(many=True, help_text="Active users who have not acknowledged.")

    def get_acknowledged_count(self, obj) -> int:
        return len(obj.acknowledged)


# --- Objectives -----------------------------------------------------------------------------


class ObjectiveReadSerializer(AimsModelSerializer):
    reference = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    owner_username = serializers.CharField(source="owner.username", read_only=True)
    progress_percent = serializers.SerializerMethodField(
        help_text="0-100 from baseline to target; null when it cannot be measured yet."
    )
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = Objective
        fields = [
            "id",
            "reference",
            *OBJECTIVE_FIELDS,
            "status_display",
            "owner_username",
            "current_value",
            "progress_percent",
            "overdue",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_progress_percent(self, obj) -> int | None:
        return ms_selectors.progress_percent(obj)

    def get_overdue(self, obj) -> bool:
        return ms_selectors.is_overdue(obj)


class ObjectiveWriteSerializer(OwnerMixin, AimsModelSerializer):
    class Meta:
        model = Objective
        fields = list(OBJECTIVE_FIELDS)


class ObjectiveUpdateReadSerializer(AimsModelSerializer):
    recorded_by_username = serializers.CharField(source="recorded_by.username", read_only=True)

    class Meta:
        model = ObjectiveUpdate
        fields = [
            "id",
            "objective",
            "value",
            "note",
            "recorded_on",
            "recorded_by",
            "recorded_by_username",
            "created_at",
        ]
        read_only_fields = fields


class ObjectiveUpdateWriteSerializer(AimsModelSerializer):
    recorded_on = serializers.DateField(required=False, help_text="Defaults to today.")

    class Meta:
        model = ObjectiveUpdate
        fields = ["value", "note", "recorded_on"]
