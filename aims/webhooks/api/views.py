"""REST API of webhooks: /api/v1/webhooks/ (subscriptions, officers), their deliveries and
redelivery, and /api/v1/webhook-events/ (the events and their payloads). Thin: services and
selectors of aims.webhooks."""

from django.db.models import QuerySet
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aims.api.view_helpers import object_or_404
from aims.api.views import AUTHENTICATION_CLASSES, AIMSViewSetMixin, write_schema

from .. import selectors, sending, services
from ..events import EXAMPLES, Event
from ..models import WebhookSubscription
from .serializers import (
    EVENT_SERIALIZERS,
    WebhookDeliverySerializer,
    WebhookSubscriptionCreatedSerializer,
    WebhookSubscriptionReadSerializer,
    WebhookSubscriptionWriteSerializer,
)


class ManagesWebhooks(BasePermission):
    message = services.MANAGERS_ONLY

    def has_permission(self, request, view) -> bool:
        return services.can_manage_webhooks(request.user)


@extend_schema_view(
    create=extend_schema(
        request=WebhookSubscriptionWriteSerializer,
        responses={201: WebhookSubscriptionCreatedSerializer},
    ),
    **write_schema(
        WebhookSubscriptionWriteSerializer,
        WebhookSubscriptionReadSerializer,
        actions=("partial_update",),
    ),
    enable=extend_schema(request=None, responses={200: WebhookSubscriptionReadSerializer}),
    disable=extend_schema(request=None, responses={200: WebhookSubscriptionReadSerializer}),
    deliveries=extend_schema(request=None, responses={200: WebhookDeliverySerializer(many=True)}),
    redeliver=extend_schema(request=None, responses={201: WebhookDeliverySerializer}),
    destroy=extend_schema(responses={204: OpenApiResponse(description="Deleted.")}),
)
class WebhookSubscriptionViewSet(
    AIMSViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Webhook subscriptions (governance officers): create (the signing secret is in the
    answer, once), change, enable or disable, delete; each one's delivery log, and redelivery
    of a delivery. The events and their bodies: /api/v1/webhook-events/."""

    permission_classes = [IsAuthenticated, ManagesWebhooks]
    read_serializer_class = WebhookSubscriptionReadSerializer
    write_serializer_class = WebhookSubscriptionWriteSerializer
    filter_backends = []

    def get_queryset(self) -> QuerySet[WebhookSubscription]:
        return selectors.subscription_list(user=self.request.user)

    def get_object(self):
        return object_or_404(self.get_queryset(), self.kwargs["pk"])

    def create(self, request):
        data = self.validated_input()
        subscription, secret = services.subscription_create(actor=request.user, **data)
        subscription = self.get_queryset().get(pk=subscription.pk)
        subscription.secret = secret
        return self.read_response(
            subscription, status.HTTP_201_CREATED,
            serializer_class=WebhookSubscriptionCreatedSerializer,
        )  # fmt: skip

    def partial_update(self, request, pk=None):
        subscription = self.get_object()
        data = self.validated_input(partial=True)
        services.subscription_update(
            actor=request.user,
            subscription=subscription,
            name=data.get("name", subscription.name),
            url=data.get("url", subscription.url),
            event_types=data.get("event_types", subscription.event_types),
            preset=data.get("preset", subscription.preset),
            owner=data.get("owner"),
        )
        return self.read_response(self.get_queryset().get(pk=subscription.pk))

    def destroy(self, request, pk=None):
        services.subscription_delete(actor=request.user, subscription=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"])
    def enable(self, request, pk=None):
        return self._set_active(True)

    @action(detail=True, methods=["post"])
    def disable(self, request, pk=None):
        return self._set_active(False)

    def _set_active(self, active: bool) -> Response:
        subscription = self.get_object()
        services.subscription_set_active(
            actor=self.request.user, subscription=subscription, active=active
        )
        return self.read_response(self.get_queryset().get(pk=subscription.pk))

    @action(detail=True, methods=["get"])
    def deliveries(self, request, pk=None):
        rows = selectors.delivery_list(user=request.user, subscription=self.get_object())
        page = self.paginate_queryset(rows.prefetch_related("log"))
        serializer = WebhookDeliverySerializer(page, many=True)
        return self.get_paginated_response(serializer.data)

    @action(detail=True, methods=["post"],
            url_path=r"deliveries/(?P<delivery_id>[0-9]+)/redeliver")  # fmt: skip
    def redeliver(self, request, pk=None, delivery_id=None):
        rows = selectors.delivery_list(user=request.user, subscription=self.get_object())
        again = services.delivery_redeliver(
            actor=request.user, delivery=object_or_404(rows, delivery_id)
        )
        return Response(WebhookDeliverySerializer(again).data, status=status.HTTP_201_CREATED)


def example(event: Event) -> dict:
    """An example body of ``event``: what a receiver of AIMS JSON gets."""
    body = sending.envelope(event, EXAMPLES[event], "00000000-0000-4000-8000-000000000000")
    return {**body, "created_at": "2026-12-05T09:30:00+00:00"}


EVENT_LIST = PolymorphicProxySerializer(
    component_name="WebhookEvent",
    serializers=list(EVENT_SERIALIZERS.values()),
    resource_type_field_name="type",
    many=True,
)


class WebhookEventListView(APIView):
    """The events a subscription can choose, each as an example of the body a receiver gets
    (AIMS JSON; the Slack and Teams presets turn it into a chat message). Every delivery is a
    POST with X-AIMS-Event (the type), X-AIMS-Delivery (the delivery's id), X-AIMS-Event-Id
    and X-AIMS-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of '<t>.<raw body>' with the
    subscription's secret>. Answer 2xx within 5 seconds; anything else is retried after 1 min,
    5 min, 30 min, 2 h and 12 h."""

    authentication_classes = AUTHENTICATION_CLASSES  # token first: anonymous gets 401
    permission_classes = [IsAuthenticated]
    pagination_class = None

    @extend_schema(
        responses={200: EVENT_LIST},
        examples=[
            OpenApiExample(event.label, value=[example(event)], response_only=True)
            for event in Event
        ],
    )
    def get(self, request):
        return Response([example(event) for event in Event])
