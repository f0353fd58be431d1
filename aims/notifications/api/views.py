"""API of the acting user's notifications (/api/v1/notifications/): the list, marking read,
the unread count."""

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aims.api.views import AIMSViewSetMixin
from aims.notifications import services
from aims.notifications.api.serializers import (
    MarkedSerializer,
    NotificationMarkReadSerializer,
    NotificationReadSerializer,
)
from aims.reminders.api.serializers import UnreadCountSerializer


class NotificationFilter(filters.FilterSet):
    unread = filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="Unread")


class NotificationViewSet(
    AIMSViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The acting user's own notifications."""

    read_serializer_class = NotificationReadSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = NotificationFilter

    def get_queryset(self) -> QuerySet:
        user = self.request.user
        if not user.is_authenticated:  # schema generation
            return self.read_serializer_class.Meta.model.objects.none()
        return user.notifications.all()

    @extend_schema(request=NotificationMarkReadSerializer, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        data = self.validated_input(NotificationMarkReadSerializer)
        marked = services.notification_mark_read(
            user=request.user, notification_ids=data.get("ids")
        )
        return Response({"marked": marked})

    @extend_schema(responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        """How many of the acting user's notifications are unread (for the bell)."""
        return Response({"unread": self.get_queryset().filter(read_at__isnull=True).count()})
