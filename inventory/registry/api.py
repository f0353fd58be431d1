"""REST API of model registry links: /api/v1/model-registry-links/ (list, read, link, change,
unlink, and ``sync`` to read the registry now). Thin: services and selectors of
inventory.registry; registered in inventory/api/urls.py."""

from django.db.models import QuerySet
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer
from aims.api.view_helpers import object_or_404
from aims.api.views import AIMSViewSetMixin, write_schema
from inventory import selectors as inventory_selectors

from . import selectors, services
from .models import ModelRegistryLink

Follow = ModelRegistryLink.Follow


@extend_schema_field(OpenApiTypes.INT)
class VisibleComponentField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return inventory_selectors.component_list(user=self.context["request"].user)


class ModelRegistryLinkReadSerializer(AimsModelSerializer):
    component_reference = serializers.CharField(source="component.reference", read_only=True)
    system = serializers.IntegerField(source="component.system_id", read_only=True)
    system_reference = serializers.CharField(source="component.system.reference", read_only=True)
    follow_display = serializers.CharField(source="get_follow_display", read_only=True)

    class Meta:
        model = ModelRegistryLink
        fields = [
            "id", "component", "component_reference", "system", "system_reference",
            "tracking_uri", "model_name", "follow", "follow_display", "follow_value",
            "last_seen_version", "last_seen_at", "last_synced_at", "last_error",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class ModelRegistryLinkWriteSerializer(AimsSerializer):
    component = VisibleComponentField(help_text="The component that uses the model.")
    tracking_uri = serializers.CharField(
        max_length=500, help_text="The MLflow tracking server, e.g. https://mlflow.example.org"
    )
    model_name = serializers.CharField(max_length=256, help_text="The registered model's name.")
    follow = serializers.ChoiceField(choices=Follow.choices, default=Follow.LATEST)
    follow_value = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default="",
        help_text="The alias (follow=alias) or stage (follow=stage) followed.",
    )  # fmt: skip


class ModelRegistryLinkChangeSerializer(ModelRegistryLinkWriteSerializer):
    component = None  # a link stays with its component


class SyncResultSerializer(AimsSerializer):
    link = ModelRegistryLinkReadSerializer()
    version = serializers.CharField(help_text="The version the followed pointer names now.")
    changed = serializers.BooleanField(help_text="A move from the last seen version was seen.")
    created = serializers.BooleanField(help_text="This sync created the vendor change notice.")
    notice_reference = serializers.CharField(help_text="The notice of the change, if any.")
    error = serializers.CharField(help_text="Why the registry could not be read, in words.")


@extend_schema_view(
    **write_schema(ModelRegistryLinkWriteSerializer, ModelRegistryLinkReadSerializer,
                   actions=("create",)),
    **write_schema(ModelRegistryLinkChangeSerializer, ModelRegistryLinkReadSerializer,
                   actions=("partial_update",)),
    sync=extend_schema(request=None, responses={200: SyncResultSerializer}),
    destroy=extend_schema(responses={204: OpenApiResponse(description="Unlinked.")}),
)  # fmt: skip
class ModelRegistryLinkViewSet(
    AIMSViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Components followed in an MLflow model registry. Linking reads the registry: the
    version the followed pointer names then is the baseline (no notice); an unknown model,
    alias or stage is a field error. ``sync`` reads it now (a schedule does it every 15
    minutes); a new version, or an alias or stage moved, is reported once as a vendor change
    of the component's supplier. A registry that cannot be read leaves ``last_error``.
    Governance officers and the system's owner manage links; auditors read them."""

    read_serializer_class = ModelRegistryLinkReadSerializer
    write_serializer_class = ModelRegistryLinkWriteSerializer
    # The coarse gate: roles that may change components (officers, owners).
    write_permissions = ("inventory.change_component",)
    filter_backends = []

    def get_queryset(self) -> QuerySet[ModelRegistryLink]:
        return selectors.link_list(user=self.request.user)

    def get_object(self):
        return object_or_404(self.get_queryset(), self.kwargs["pk"])

    def create(self, request):
        data = self.validated_input()
        link = services.link_create(actor=request.user, **data)
        return self.read_response(self.get_queryset().get(pk=link.pk), status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        link = self.get_object()
        data = self.validated_input(ModelRegistryLinkChangeSerializer, partial=True)
        services.link_update(
            actor=request.user, link=link,
            tracking_uri=data.get("tracking_uri", link.tracking_uri),
            model_name=data.get("model_name", link.model_name),
            follow=data.get("follow", link.follow),
            follow_value=data.get("follow_value", link.follow_value),
        )  # fmt: skip
        return self.read_response(self.get_queryset().get(pk=link.pk))

    def destroy(self, request, pk=None):
        services.link_delete(actor=request.user, link=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["post"])
    def sync(self, request, pk=None):
        result = services.link_sync(link_id=self.get_object().pk, actor=request.user)
        body = {
            "link": self.get_queryset().get(pk=result.link.pk), "version": result.version,
            "changed": result.changed, "created": result.created,
            "notice_reference": result.notice_reference, "error": result.error,
        }  # fmt: skip
        return Response(SyncResultSerializer(body, context=self.get_serializer_context()).data)
