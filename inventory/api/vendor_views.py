"""API of the inventory's side of vendor changes: an integration reports the model
identifier it observes for a component. Registered in inventory/api/urls.py."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers, status, viewsets
from rest_framework.response import Response

from aims.api.serializer_bases import AimsSerializer
from aims.api.views import AIMSViewSetMixin
from inventory import selectors, vendor_changes
from suppliers.api.serializers import VendorChangeNoticeReadSerializer


@extend_schema_field(OpenApiTypes.INT)
class VisibleComponentField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return selectors.component_list(user=self.context["request"].user)


class ObservationSerializer(AimsSerializer):
    component = VisibleComponentField()
    model_identifier = serializers.CharField(max_length=200)


class ObservationResultSerializer(AimsSerializer):
    changed = serializers.BooleanField(help_text="The identifier differs from the recorded one.")
    created = serializers.BooleanField(help_text="This report created the notice.")
    notice = VendorChangeNoticeReadSerializer(allow_null=True)


class ComponentObservationViewSet(AIMSViewSetMixin, viewsets.GenericViewSet):
    """POST the model identifier observed for a component. A different identifier from the
    recorded one creates a vendor change notice marked "detected", exactly once however
    often it is reported (201 the first time, 200 after); the same identifier changes
    nothing (200, changed false)."""

    write_serializer_class = ObservationSerializer
    read_serializer_class = ObservationResultSerializer
    write_permissions = ("suppliers.add_vendorchangenotice",)
    filter_backends = []
    pagination_class = None

    def get_queryset(self):
        return selectors.component_list(user=self.request.user)

    @extend_schema(
        request=ObservationSerializer,
        responses={200: ObservationResultSerializer, 201: ObservationResultSerializer},
    )
    def create(self, request):
        data = self.validated_input()
        notice, created = vendor_changes.component_report_identifier(
            actor=request.user, component=data["component"], identifier=data["model_identifier"]
        )
        body = {"changed": notice is not None, "created": created, "notice": notice}
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(
            ObservationResultSerializer(body, context=self.get_serializer_context()).data,
            status=code,
        )
