from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer
from audits.models import EvidencePack
from inventory.models import AISystem
from inventory.selectors import restrict_systems


class EvidencePackReadSerializer(AimsModelSerializer):
    reference = serializers.CharField(read_only=True)
    scope_label = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    system_reference = serializers.CharField(
        source="system.reference", read_only=True, allow_null=True, default=None
    )

    class Meta:
        model = EvidencePack
        fields = [
            "id", "reference", "scope", "scope_label", "system", "system_reference",
            "period_start", "period_end", "status", "status_display", "progress", "step",
            "error", "attempts", "requested_by", "created_at", "started_at", "finished_at",
            "page_count", "pdf_sha256", "zip_sha256",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema_field(OpenApiTypes.INT)
class VisibleSystemField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return restrict_systems(AISystem.objects.all(), self.context["request"].user)


class EvidencePackWriteSerializer(AimsSerializer):
    scope = serializers.ChoiceField(choices=EvidencePack.Scope.choices)
    system = VisibleSystemField(required=False, allow_null=True)
    period_start = serializers.DateField(required=False, allow_null=True)
    period_end = serializers.DateField(required=False, allow_null=True)
