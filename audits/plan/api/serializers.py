"""Serializers of the 90-day plan's API."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer

from ...models import CatalogueItem
from ..models import PlanTask

User = get_user_model()


class PlanTaskReadSerializer(AimsModelSerializer):
    reference = serializers.CharField(read_only=True)
    item_code = serializers.CharField(source="item.code", read_only=True, default=None)
    phase_display = serializers.CharField(source="get_phase_display", read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    owner_username = serializers.CharField(source="owner.username", read_only=True)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = PlanTask
        fields = [
            "id",
            "reference",
            "title",
            "description",
            "item",
            "item_code",
            "phase",
            "phase_display",
            "owner",
            "owner_username",
            "due_date",
            "status",
            "status_display",
            "overdue",
            "done_note",
            "drop_reason",
            "done_at",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class PlanTaskCreateSerializer(AimsSerializer):
    """A task added by hand (officers)."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    item = serializers.PrimaryKeyRelatedField(
        queryset=CatalogueItem.objects.filter(is_heading=False), required=False, allow_null=True
    )
    phase = serializers.ChoiceField(choices=PlanTask.Phase.choices)
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    due_date = serializers.DateField()


class PlanTaskUpdateSerializer(AimsSerializer):
    """Reassign a task still to do: its owner and/or due date (officers)."""

    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False
    )
    due_date = serializers.DateField(required=False)


class PlanTaskNoteSerializer(AimsSerializer):
    note = serializers.CharField(
        max_length=5000, help_text="Done: what was done. Drop: why the task is dropped."
    )


class PlanGenerateSerializer(AimsSerializer):
    start = serializers.DateField(
        required=False, allow_null=True, help_text="Day 1 (the first generation only; today)."
    )


class PhaseProgressSerializer(AimsSerializer):
    phase = serializers.IntegerField()
    label = serializers.CharField()
    start = serializers.DateField(allow_null=True)
    end = serializers.DateField(allow_null=True)
    total = serializers.IntegerField(help_text="Tasks of the phase, dropped ones aside.")
    done = serializers.IntegerField()
    in_progress = serializers.IntegerField()
    open = serializers.IntegerField(help_text="Still to do (open or in progress).")
    overdue = serializers.IntegerField()
    dropped = serializers.IntegerField()
    percent = serializers.IntegerField()


class NextDueSerializer(AimsSerializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    due_date = serializers.DateField()


class PlanProgressSerializer(AimsSerializer):
    exists = serializers.BooleanField()
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    day = serializers.IntegerField(allow_null=True)
    current_phase = serializers.IntegerField(allow_null=True)
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    open = serializers.IntegerField()
    overdue = serializers.IntegerField()
    percent = serializers.IntegerField()
    phases = PhaseProgressSerializer(many=True)
    next_due = NextDueSerializer(allow_null=True)
    phase_rule = serializers.DictField(child=serializers.CharField())


class PlanGeneratedSerializer(AimsSerializer):
    message = serializers.CharField()
    created = serializers.IntegerField()
    created_by_phase = serializers.DictField(child=serializers.IntegerField())
    tasks = PlanTaskReadSerializer(many=True)
    progress = PlanProgressSerializer()
