"""Shapes of import jobs in the API."""

from rest_framework import serializers

from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer

from ..kinds import kind_choices
from ..models import ImportJob


class ImportRowErrorSerializer(AimsSerializer):
    row = serializers.IntegerField(help_text="The row's number in the spreadsheet (heading: 1).")
    column = serializers.CharField()
    message = serializers.CharField()


class ImportJobReadSerializer(AimsModelSerializer):
    reference = serializers.CharField(read_only=True)
    created_by_username = serializers.CharField(source="created_by.username", read_only=True)
    errors = ImportRowErrorSerializer(many=True, read_only=True)

    class Meta:
        model = ImportJob
        fields = [
            "id", "reference", "kind", "status", "file_format", "original_filename",
            "size_bytes", "sha256", "rows_total", "to_create", "to_update", "unchanged",
            "error_count", "errors", "message", "created_by", "created_by_username",
            "created_at", "previewed_at", "committed_at", "committed_by",
        ]  # fmt: skip
        read_only_fields = fields


class ImportJobCreateSerializer(AimsSerializer):
    kind = serializers.ChoiceField(choices=[])
    file = serializers.FileField(allow_empty_file=False, help_text="A .csv (UTF-8) or .xlsx file.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()


class ImportTemplateQuerySerializer(AimsSerializer):
    kind = serializers.ChoiceField(choices=[])
    # Not "format": DRF reads that query parameter to pick a renderer (?format=xlsx is a 404).
    file_format = serializers.ChoiceField(choices=ImportJob.Format.choices, default="csv")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()
