"""Shapes of evidence in the API. Input shape only: the rules live in aims.evidence.services."""

from django.urls import reverse
from rest_framework import serializers

from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer
from aims.models import Evidence, format_reference


class EvidenceReadSerializer(AimsModelSerializer):
    reference = serializers.CharField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    owner_username = serializers.CharField(source="owner.username", read_only=True)
    target_type = serializers.SerializerMethodField()
    target_reference = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = [
            "id",
            "reference",
            "title",
            "description",
            "kind",
            "kind_display",
            "original_filename",
            "size_bytes",
            "sha256",
            "url",
            "download_url",
            "owner",
            "owner_username",
            "valid_from",
            "valid_until",
            "target_type",
            "target_id",
            "target_reference",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    # target_type is select_related and model_class() reads the app registry: no query.
    def get_target_type(self, obj: Evidence) -> str:
        return f"{obj.target_type.app_label}.{obj.target_type.model}"

    def get_target_reference(self, obj: Evidence) -> str:
        model = obj.target_type.model_class()
        prefix = getattr(model, "REFERENCE_PREFIX", "")
        return format_reference(prefix, obj.target_id) if prefix else str(obj.target_id)

    def get_download_url(self, obj: Evidence) -> str | None:
        if obj.kind != Evidence.Kind.FILE:
            return None
        path = reverse("api:evidence-download", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class EvidenceWriteSerializer(AimsSerializer):
    """Attach a file (multipart) or a link to a record. ``target_type`` is "app_label.model"
    of a record type the API accepts evidence on (the view passes them as ``target_types``)."""

    target_type = serializers.ChoiceField(choices=[])
    target_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    file = serializers.FileField(required=False, allow_empty_file=False)
    url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)

    def __init__(self, *args, target_types: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_type"].choices = target_types or []
