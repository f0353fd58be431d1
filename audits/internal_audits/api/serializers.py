"""Shapes of audit programmes, internal audits, checklist items and findings in the API.
Input shape only: every rule is in audits.internal_audits.services and .findings; statuses
change through explicit actions, never a writable field."""

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer
from audits.models import (
    AuditProgramme,
    CatalogueItem,
    ChecklistItem,
    Finding,
    InternalAudit,
)
from inventory.api.serializers import display
from inventory.models import AISystem

from .. import services

User = get_user_model()


@extend_schema_field(OpenApiTypes.INT)
class ActiveUserField(serializers.PrimaryKeyRelatedField):
    """The id of an active user."""

    def get_queryset(self):
        return User.objects.filter(is_active=True)


@extend_schema_field(OpenApiTypes.INT)
class CatalogueItemField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return CatalogueItem.objects.all()


@extend_schema_field(OpenApiTypes.INT)
class SystemField(serializers.PrimaryKeyRelatedField):
    """An AI system id (audits look at any system of the AIMS)."""

    def get_queryset(self):
        return AISystem.objects.all()


class ControlSummarySerializer(AimsModelSerializer):
    class Meta:
        model = CatalogueItem
        fields = ["id", "code", "title"]
        read_only_fields = fields


# --- Programmes -----------------------------------------------------------------------------


class AuditProgrammeReadSerializer(AimsModelSerializer):
    owner_username = serializers.CharField(source="owner.username", read_only=True)
    audit_count = serializers.IntegerField(read_only=True)
    closed_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = AuditProgramme
        fields = [
            "id",
            "title",
            "period_start",
            "period_end",
            "objectives",
            "method",
            "owner",
            "owner_username",
            "audit_count",
            "closed_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class AuditProgrammeWriteSerializer(AimsModelSerializer):
    owner = ActiveUserField(required=False, help_text="Defaults to the acting user.")

    class Meta:
        model = AuditProgramme
        fields = ["title", "period_start", "period_end", "objectives", "method", "owner"]


# --- Internal audits ------------------------------------------------------------------------


class InternalAuditReadSerializer(AimsModelSerializer):
    reference = serializers.CharField(read_only=True)
    status_display = display("status")
    lead_auditor_username = serializers.CharField(source="lead_auditor.username", read_only=True)
    controls = ControlSummarySerializer(many=True, read_only=True)
    systems = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    team = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = InternalAudit
        fields = [
            "id",
            "reference",
            "programme",
            "title",
            "scope",
            "criteria",
            "controls",
            "systems",
            "lead_auditor",
            "lead_auditor_username",
            "team",
            "planned_start",
            "planned_end",
            "status",
            "status_display",
            "conclusion",
            "closed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class InternalAuditWriteSerializer(AimsModelSerializer):
    """Plan or edit an audit. The lead auditor and team must not own a control or an AI
    system in scope (field errors name the conflict)."""

    lead_auditor = ActiveUserField()
    team = ActiveUserField(many=True, required=False)
    controls = CatalogueItemField(
        many=True, required=False, help_text="Catalogue item ids; a heading covers its children."
    )
    systems = SystemField(many=True, required=False)

    class Meta:
        model = InternalAudit
        fields = [
            "programme",
            "title",
            "scope",
            "criteria",
            "controls",
            "systems",
            "lead_auditor",
            "team",
            "planned_start",
            "planned_end",
            "conclusion",
        ]


class AuditTransitionSerializer(AimsSerializer):
    action = serializers.ChoiceField(choices=list(services.TRANSITIONS))
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        help_text="On close: the audit conclusion, if not written yet.",
    )


class ChecklistChangeSerializer(AimsSerializer):
    added = serializers.IntegerField()
    removed = serializers.IntegerField()
    kept = serializers.IntegerField()


# --- Checklist items ------------------------------------------------------------------------


class ChecklistItemReadSerializer(AimsModelSerializer):
    item_code = serializers.CharField(source="item.code", read_only=True)
    item_title = serializers.CharField(source="item.title", read_only=True)
    result_display = display("result")
    assessed_by_username = serializers.CharField(
        source="assessed_by.username", read_only=True, default=None
    )

    class Meta:
        model = ChecklistItem
        fields = [
            "id",
            "audit",
            "item",
            "item_code",
            "item_title",
            "question",
            "result",
            "result_display",
            "notes",
            "assessed_by",
            "assessed_by_username",
            "assessed_at",
        ]
        read_only_fields = fields


class ChecklistResultSerializer(AimsModelSerializer):
    """The result of one checklist item and the auditor who assessed it."""

    assessed_by = ActiveUserField(
        required=False,
        help_text="The auditor who assessed it (lead or team member); default: the acting "
        "user if on the team, else the lead auditor.",
    )

    class Meta:
        model = ChecklistItem
        fields = ["result", "notes", "assessed_by"]
        extra_kwargs = {"result": {"required": True}}


# --- Findings -------------------------------------------------------------------------------


class FindingReadSerializer(AimsModelSerializer):
    reference = serializers.CharField(read_only=True)
    kind_display = display("kind")
    status_display = display("status")
    audit_reference = serializers.CharField(source="audit.reference", read_only=True)
    controls = ControlSummarySerializer(many=True, read_only=True)
    raised_by_username = serializers.CharField(source="raised_by.username", read_only=True)
    owner_username = serializers.CharField(source="owner.username", read_only=True, default="")
    is_nonconformity = serializers.BooleanField(read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id",
            "reference",
            "audit",
            "audit_reference",
            "kind",
            "kind_display",
            "is_nonconformity",
            "title",
            "description",
            "controls",
            "status",
            "status_display",
            "raised_by",
            "raised_by_username",
            "owner",
            "owner_username",
            "due_date",
            "closed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class FindingCreateSerializer(AimsModelSerializer):
    audit = serializers.PrimaryKeyRelatedField(queryset=InternalAudit.objects.all())
    controls = CatalogueItemField(many=True, required=False)
    checklist_item = serializers.PrimaryKeyRelatedField(
        queryset=ChecklistItem.objects.select_related("item"),
        required=False,
        allow_null=True,
        help_text="The checklist item the finding comes from; its control is linked.",
    )

    class Meta:
        model = Finding
        fields = ["audit", "checklist_item", "kind", "title", "description", "controls"]


class FindingUpdateSerializer(AimsModelSerializer):
    """Officers edit a finding; owner and due date (who follows it through, by when) change
    also once the audit is closed."""

    controls = CatalogueItemField(many=True, required=False)
    owner = ActiveUserField(required=False, allow_null=True)
    due_date = serializers.DateField(required=False, allow_null=True)

    class Meta:
        model = Finding
        fields = ["kind", "title", "description", "controls", "owner", "due_date"]


class FindingCapaSerializer(AimsSerializer):
    """The corrective action of a nonconformity; title and nonconformity default to the
    finding's own text."""

    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    nonconformity = serializers.CharField(required=False, allow_blank=True)
    root_cause = serializers.CharField(required=False, allow_blank=True)
    action_plan = serializers.CharField()
    owner = ActiveUserField()
    due_date = serializers.DateField()
