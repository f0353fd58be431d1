"""Serializers of the reminder API: rules, and the summary of a sweep."""

from django.core.exceptions import ValidationError
from rest_framework import serializers

from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer
from aims.models import ReminderRule
from aims.reminders import schedules
from aims.reminders.services import MAX_LEAD_DAYS
from aims.reminders.sources import sources_by_kind


class ReminderRuleReadSerializer(AimsModelSerializer):
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


class ReminderRuleWriteSerializer(AimsSerializer):
    lead_days = serializers.IntegerField(
        min_value=0,
        max_value=MAX_LEAD_DAYS,
        required=False,
        help_text="How many days before the due date the first reminder is sent (0 to 365).",
    )
    enabled = serializers.BooleanField(
        required=False, help_text="Off: the sweep sends no reminder of this kind."
    )


class SweepSerializer(AimsSerializer):
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


class UnreadCountSerializer(AimsSerializer):
    unread = serializers.IntegerField(help_text="The acting user's unread notifications.")


class ScheduleReadSerializer(AimsSerializer):
    """A scheduled task and when it runs, as the settings page shows it. ``frequency``,
    ``every``, ``at`` and ``day`` are the choice to send back; they are null when the stored
    schedule is one no choice describes (``schedule`` still says it in words)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    description = serializers.CharField()
    enabled = serializers.BooleanField()
    schedule = serializers.SerializerMethodField(help_text='In words: "Every 15 minutes".')
    frequency = serializers.SerializerMethodField()
    every = serializers.SerializerMethodField()
    at = serializers.SerializerMethodField()
    day = serializers.SerializerMethodField()
    last_run_at = serializers.DateTimeField(allow_null=True)
    total_run_count = serializers.IntegerField()

    def _choice(self, task) -> schedules.ScheduleChoice | None:
        return schedules.choice_from_crontab(task.crontab) if task.crontab else None

    def get_schedule(self, task) -> str:
        if task.crontab is None:
            return str(task.interval or "Another kind of schedule").capitalize()
        return schedules.describe_crontab(task.crontab)

    def get_frequency(self, task) -> str | None:
        choice = self._choice(task)
        return choice.frequency if choice else None

    def get_every(self, task) -> int | None:
        choice = self._choice(task)
        return choice.every if choice else None

    def get_at(self, task) -> str | None:
        choice = self._choice(task)
        return f"{choice.at:%H:%M}" if choice and choice.at else None

    def get_day(self, task) -> str | None:
        choice = self._choice(task)
        return choice.day if choice else None


class ScheduleWriteSerializer(AimsSerializer):
    """Switch a task on or off and/or choose when it runs. A new time is given whole:
    ``frequency`` with ``every`` (minutes or hours apart), or ``at`` (HH:MM) and, weekly,
    ``day``."""

    enabled = serializers.BooleanField(required=False)
    frequency = serializers.ChoiceField(
        choices=schedules.FREQUENCIES,
        required=False,
        error_messages={"invalid_choice": "Choose how often: minutes, hours, daily or weekly."},
    )
    every = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text=f"Minutes apart ({', '.join(map(str, schedules.MINUTE_STEPS))}) or hours "
        f"apart ({', '.join(map(str, schedules.HOUR_STEPS))}).",
    )
    at = serializers.TimeField(
        required=False,
        allow_null=True,
        format="%H:%M",
        input_formats=["%H:%M", "%H:%M:%S"],
        help_text="Time of day, HH:MM (daily and weekly).",
        error_messages={"invalid": "Give the time of day as hours and minutes, e.g. 06:30."},
    )
    day = serializers.ChoiceField(
        choices=schedules.DAYS,
        required=False,
        allow_null=True,
        help_text="Day of the week (weekly).",
        error_messages={"invalid_choice": "Choose a day of the week, e.g. monday."},
    )

    def validate(self, attrs: dict) -> dict:
        timing = {k: attrs.get(k) for k in ("every", "at", "day")}
        if "frequency" not in attrs:
            if any(v is not None for v in timing.values()):
                raise serializers.ValidationError(
                    {"frequency": "Say how often as well: minutes, hours, daily or weekly."}
                )
            return attrs
        try:
            attrs["choice"] = schedules.schedule_choice(frequency=attrs["frequency"], **timing)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.message_dict) from exc
        return attrs
