"""Serializers of the first run's API: shapes only; audits.onboarding.services holds the rules."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from aims.api.serializer_bases import AimsSerializer

from ..services import GAP_STATUSES

User = get_user_model()


class StepSerializer(AimsSerializer):
    key = serializers.CharField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    status = serializers.ChoiceField(
        choices=[("done", "Done"), ("in_progress", "In progress"), ("to_do", "To do")]
    )
    detail = serializers.CharField()


class FirstRunSerializer(AimsSerializer):
    needed = serializers.BooleanField(help_text="No organisation profile and no AI system yet.")
    done = serializers.BooleanField(help_text="Every step is done.")
    completed_at = serializers.DateTimeField(allow_null=True)
    steps = StepSerializer(many=True)


class GapItemSerializer(AimsSerializer):
    code = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    section = serializers.CharField()
    assessed = serializers.BooleanField()
    gap_status = serializers.ChoiceField(
        choices=list(GAP_STATUSES), allow_null=True, help_text="Null until assessed."
    )
    implementation_status = serializers.CharField()
    owner = serializers.IntegerField(allow_null=True)
    evidence_note = serializers.CharField()
    statement = serializers.IntegerField(help_text="The SoA statement's id (attach files there).")


class GapListSerializer(AimsSerializer):
    assessed = serializers.IntegerField()
    total = serializers.IntegerField()
    items = GapItemSerializer(many=True)


class GapAnswerSerializer(AimsSerializer):
    """One answer: code and status are checked by the service (field errors by position)."""

    code = serializers.CharField()
    status = serializers.CharField(help_text="implemented, partly or not")
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False, allow_null=True
    )
    evidence_note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class GapBatchSerializer(AimsSerializer):
    answers = GapAnswerSerializer(many=True, allow_empty=False)


class GapBatchResultSerializer(AimsSerializer):
    saved = serializers.IntegerField()
    assessed = serializers.IntegerField()
    total = serializers.IntegerField()
