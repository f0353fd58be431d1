"""Shape of the catalogue in the API: a clause requirement or Annex A control with its
crosswalks. Read-only."""

from rest_framework import serializers

from aims.api.serializer_bases import AimsModelSerializer
from audits.models import CatalogueItem, Crosswalk


class CrosswalkSerializer(AimsModelSerializer):
    framework_display = serializers.CharField(source="get_framework_display", read_only=True)

    class Meta:
        model = Crosswalk
        fields = ["framework", "framework_display", "ref", "title"]
        read_only_fields = fields


class CatalogueItemSerializer(AimsModelSerializer):
    """A clause requirement or Annex A control (or a heading grouping them), with the EU AI
    Act articles and NIST AI RMF subcategories it also helps to satisfy."""

    kind = serializers.CharField(
        read_only=True, help_text="'clause' (4-10) or 'control' (Annex A)."
    )
    parent = serializers.SlugRelatedField(slug_field="code", read_only=True)
    crosswalks = CrosswalkSerializer(many=True, read_only=True)

    class Meta:
        model = CatalogueItem
        fields = [
            "id",
            "code",
            "kind",
            "title",
            "objective",
            "guidance",
            "parent",
            "is_heading",
            "crosswalks",
        ]
        read_only_fields = fields
