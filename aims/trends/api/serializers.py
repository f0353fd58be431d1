"""Serializers of the trends API: the period asked for, and the charts' series."""

from rest_framework import serializers

from aims.api.serializer_bases import AimsSerializer
from aims.trends.selectors import DEFAULT_DAYS


class TrendQuerySerializer(AimsSerializer):
    days = serializers.IntegerField(
        min_value=1,
        max_value=366,
        default=DEFAULT_DAYS,
        help_text="How many days back from today, today included (1 to 366; default 90).",
    )


class PointSerializer(AimsSerializer):
    date = serializers.DateField()
    value = serializers.IntegerField(allow_null=True, help_text="Null: not counted that day.")


class SeriesSerializer(AimsSerializer):
    key = serializers.CharField(help_text='The figure, e.g. "readiness.percent".')
    label = serializers.CharField()
    points = PointSerializer(many=True, help_text="One per daily snapshot, oldest first.")


class ChartSerializer(AimsSerializer):
    key = serializers.CharField()
    title = serializers.CharField()
    unit = serializers.CharField(help_text='"%" for a percentage, "" for a count.')
    summary = serializers.CharField(help_text="The trend in one sentence.")
    series = SeriesSerializer(many=True)


class SnapshotDaySerializer(AimsSerializer):
    date = serializers.DateField()
    origin = serializers.ChoiceField(
        choices=["live", "demo"],
        help_text='"live": taken on the day; "demo": demonstration history from load_demo.',
    )


class TrendsSerializer(AimsSerializer):
    days = serializers.IntegerField()
    start = serializers.DateField(help_text="The first day of the period.")
    end = serializers.DateField(help_text="The last day of the period (today).")
    snapshots = SnapshotDaySerializer(many=True, help_text="The days that have a snapshot.")
    charts = ChartSerializer(many=True)


class SnapshotTakeSerializer(AimsSerializer):
    """Taking the day's snapshot by hand: only today may be taken (a past day would record
    today's figures under a date they were not true on)."""

    day = serializers.DateField(
        required=False, help_text="The day to take; only today is accepted (default today)."
    )

    def validate_day(self, value):
        from django.utils import timezone

        if value != timezone.localdate():
            raise serializers.ValidationError(
                "Only today's snapshot can be taken: figures are counted as they stand now."
            )
        return value


class SnapshotSerializer(AimsSerializer):
    id = serializers.IntegerField()
    day = serializers.DateField()
    origin = serializers.CharField()
    taken_at = serializers.DateTimeField()
    figures = serializers.DictField(child=serializers.IntegerField())
