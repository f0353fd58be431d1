"""Shapes of notifications in the API. Input shape only: the rules live in
aims.notifications.services."""

from rest_framework import serializers

from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer
from aims.models import Notification


class NotificationReadSerializer(AimsModelSerializer):
    is_read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "title", "body", "link", "created_at", "read_at", "is_read"]
        read_only_fields = fields

    def get_is_read(self, obj: Notification) -> bool:
        return obj.read_at is not None


class NotificationMarkReadSerializer(AimsSerializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        allow_empty=True,
        max_length=1000,
        help_text="Notifications to mark read; leave out to mark all of them read.",
    )


class MarkedSerializer(AimsSerializer):
    marked = serializers.IntegerField(help_text="How many notifications were unread.")
