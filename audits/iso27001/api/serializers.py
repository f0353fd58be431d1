"""Shapes of the ISO/IEC 27001 controls and mappings in the API. Input shape only: every rule
is in audits.iso27001.services; a mapping's status changes through the review/ and reject/
actions, never a writable field."""

from django.contrib.auth import get_user_model
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer
from audits.models import CatalogueItem, ControlMapping, SecurityControl

User = get_user_model()


@extend_schema_field(OpenApiTypes.INT)
class ActiveUserField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return User.objects.filter(is_active=True)


class SecurityControlReadSerializer(AimsModelSerializer):
    owner_username = serializers.CharField(source="owner.username", read_only=True, default=None)
    supplies_evidence = serializers.BooleanField(
        read_only=True,
        help_text="Applies and is at least partly implemented: its evidence can count for the "
        "42001 items of its reviewed mappings.",
    )

    class Meta:
        model = SecurityControl
        fields = [
            "id",
            "code",
            "title",
            "theme",
            "applicable",
            "implementation_status",
            "implementation_notes",
            "owner",
            "owner_username",
            "last_reviewed",
            "supplies_evidence",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class SecurityControlWriteSerializer(AimsModelSerializer):
    owner = ActiveUserField(required=False, allow_null=True)

    class Meta:
        model = SecurityControl
        fields = [
            "applicable",
            "implementation_status",
            "implementation_notes",
            "owner",
            "last_reviewed",
        ]


class ControlMappingReadSerializer(AimsModelSerializer):
    security_control_code = serializers.CharField(source="security_control.code", read_only=True)
    item_code = serializers.CharField(source="item.code", read_only=True)
    proposed_by_username = serializers.CharField(
        source="proposed_by.username", read_only=True, default=None
    )
    reviewed_by_username = serializers.CharField(
        source="reviewed_by.username", read_only=True, default=None
    )

    class Meta:
        model = ControlMapping
        fields = [
            "id",
            "security_control",
            "security_control_code",
            "item",
            "item_code",
            "rationale",
            "source",
            "source_detail",
            "status",
            "proposed_by",
            "proposed_by_username",
            "reviewed_by",
            "reviewed_by_username",
            "reviewed_at",
            "decision_note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


USER_SOURCES = [c for c in ControlMapping.Source.values if c != ControlMapping.Source.SUGGESTED]


class ControlMappingCreateSerializer(AimsSerializer):
    """A proposed mapping; both controls are named by their codes ("8.15", "A.6.2.8")."""

    security_control_code = serializers.CharField(max_length=10)
    item_code = serializers.CharField(max_length=20)
    rationale = serializers.CharField(max_length=2000)
    source = serializers.ChoiceField(choices=USER_SOURCES)
    source_detail = serializers.CharField(max_length=200, required=False, allow_blank=True)

    def validate_security_control_code(self, value: str) -> SecurityControl:
        control = SecurityControl.objects.filter(code=value.strip()).first()
        if control is None:
            raise serializers.ValidationError(
                f'"{value}" is not an ISO/IEC 27001:2022 Annex A control.'
            )
        return control

    def validate_item_code(self, value: str) -> CatalogueItem:
        item = CatalogueItem.objects.filter(code__iexact=value.strip()).first()
        if item is None:
            raise serializers.ValidationError(
                f'"{value}" is not an ISO/IEC 42001 clause or control.'
            )
        if item.is_heading:
            raise serializers.ValidationError(
                f"{item.code} is a heading; name one of its requirements or controls."
            )
        return item

    def validate(self, attrs):
        if (
            attrs.get("source") == ControlMapping.Source.DOCUMENT
            and not (attrs.get("source_detail") or "").strip()
        ):
            raise serializers.ValidationError(
                {"source_detail": "Name the document the mapping comes from."}
            )
        return attrs


class ReviewSerializer(AimsSerializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class RejectSerializer(AimsSerializer):
    reason = serializers.CharField(max_length=2000)
