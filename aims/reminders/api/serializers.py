"""Serializers of the reminder API: rules, and the summary of a sweep."""

from rest_framework import serializers

from aims.models import ReminderRule
from aims.reminders.services import MAX_LEAD_DAYS
from aims.reminders.sources import sources_by_kind


class ReminderRuleReadSerializer(serializers.ModelSerializer):
    description = serializers.SerializerMethodField(
        help_text="Which date is reminded, and to whom."
    )

    class Meta:
        model = ReminderRule
        fields = ["id", "kind", "label", "description", "lead_days", "enabled", "updated_at"]
        read_only_fields = fields

    def get_description(self, rule: ReminderRule) -> str:
        source = sources_by_kind().get(rule.kind)
        return source.description if source else ""


class ReminderRuleWriteSerializer(serializers.Serializer):
    lead_days = serializers.IntegerField(
        min_value=0,
        max_value=MAX_LEAD_DAYS,
        required=False,
        help_text="How many days before the due date the first reminder is sent (0 to 365).",
    )
    enabled = serializers.BooleanField(
        required=False, help_text="Off: the sweep sends no reminder of this kind."
    )


class SweepSerializer(serializers.Serializer):
    queued = serializers.BooleanField(
        help_text="True: a worker runs the sweep (the counts are then null)."
    )
    date = serializers.DateField(allow_null=True)
    total_created = serializers.IntegerField(
        allow_null=True, help_text="New notifications, all kinds together."
    )
    created = serializers.DictField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text="New notifications by reminder kind.",
    )
    due = serializers.DictField(
        child=serializers.IntegerField(),
        allow_null=True,
        help_text="Due items by reminder kind (new or already announced).",
    )
    digests = serializers.IntegerField(allow_null=True, help_text="Digest emails queued.")


class UnreadCountSerializer(serializers.Serializer):
    unread = serializers.IntegerField(help_text="The acting user's unread notifications.")
