"""REST API of the ISO/IEC 27001 controls and their mappings to ISO/IEC 42001. Thin: reads
through audits.iso27001.selectors (a record the user may not view is a 404), writes through
audits.iso27001.services. Users without a reading role get empty lists and 404s (nothing
leaks that a record exists). Read-only roles are refused every write with a 403; a refused
review or rejection is a 409 (or 403 for the proposer) with the reason."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action

from aims.api.view_helpers import object_or_404
from aims.api.views import AIMSViewSetMixin
from audits.models import ControlMapping, SecurityControl

from .. import selectors, services
from .serializers import (
    ControlMappingCreateSerializer,
    ControlMappingReadSerializer,
    RejectSerializer,
    ReviewSerializer,
    SecurityControlReadSerializer,
    SecurityControlWriteSerializer,
)


class SelectorViewSet(
    AIMSViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    filter_backends = [filters.DjangoFilterBackend]
    model = None

    def selected(self) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return self.selected()

    def get_object(self):
        return object_or_404(self.selected(), self.kwargs["pk"])


class SecurityControlFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", label="Code prefix or words of the title")

    class Meta:
        model = SecurityControl
        fields = ["theme", "implementation_status", "applicable", "owner"]

    def search(self, queryset, name, value):
        return selectors.control_list(user=self.request.user, filters={"q": value}).filter(
            pk__in=queryset.values("pk")
        )


@extend_schema_view(
    partial_update=extend_schema(
        request=SecurityControlWriteSerializer, responses={200: SecurityControlReadSerializer}
    ),
)
class SecurityControlViewSet(SelectorViewSet):
    """The organisation's ISO/IEC 27001:2022 Annex A controls (the 93 are loaded as reference
    data; none is created or deleted). PATCH changes applicability, implementation, owner,
    notes and the last review date."""

    model = SecurityControl
    read_serializer_class = SecurityControlReadSerializer
    write_serializer_class = SecurityControlWriteSerializer
    write_permissions = (services.CHANGE_CONTROL,)
    filterset_class = SecurityControlFilter
    http_method_names = ["get", "patch", "head", "options"]

    def selected(self):
        return selectors.control_list(user=self.request.user)

    def partial_update(self, request, pk=None):
        control = self.get_object()
        data = self.validated_input(instance=control, partial=True)
        control = services.control_update(actor=request.user, control=control, data=data)
        return self.read_response(selectors.control_get(user=request.user, pk=control.pk))


class ControlMappingFilter(filters.FilterSet):
    security_control_code = filters.CharFilter(field_name="security_control__code")
    item_code = filters.CharFilter(field_name="item__code")

    class Meta:
        model = ControlMapping
        fields = ["status", "source", "security_control", "item"]


@extend_schema_view(
    create=extend_schema(
        request=ControlMappingCreateSerializer, responses={201: ControlMappingReadSerializer}
    ),
)
class ControlMappingViewSet(SelectorViewSet):
    """Mappings from ISO/IEC 27001 controls to ISO/IEC 42001 items. POST proposes one (it
    counts for nothing until reviewed); POST {id}/review/ confirms it (not by its proposer),
    POST {id}/reject/ rejects or withdraws it with a reason."""

    model = ControlMapping
    read_serializer_class = ControlMappingReadSerializer
    write_serializer_class = ControlMappingCreateSerializer
    write_permissions = (services.ADD_MAPPING, services.REVIEW_MAPPING)
    filterset_class = ControlMappingFilter
    http_method_names = ["get", "post", "head", "options"]

    def selected(self):
        return selectors.mapping_list(user=self.request.user)

    def fresh(self, mapping):
        return self.selected().get(pk=mapping.pk)

    def create(self, request):
        data = self.validated_input()
        try:
            mapping = services.mapping_create(
                actor=request.user,
                security_control=data["security_control_code"],
                item=data["item_code"],
                rationale=data["rationale"],
                source=data["source"],
                source_detail=data.get("source_detail", ""),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict") and "item" in exc.error_dict:
                exc.error_dict["item_code"] = exc.error_dict.pop("item")
            raise
        return self.read_response(self.fresh(mapping), status.HTTP_201_CREATED)

    @extend_schema(request=ReviewSerializer, responses=ControlMappingReadSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Confirm the mapping: who and when are recorded. 409 when already decided; 403 for
        the person who proposed it."""
        mapping = self.get_object()
        data = self.validated_input(ReviewSerializer)
        mapping = services.mapping_review(
            actor=request.user, mapping=mapping, note=data.get("note", "")
        )
        return self.read_response(self.fresh(mapping))

    @extend_schema(request=RejectSerializer, responses=ControlMappingReadSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject a proposed mapping or withdraw a reviewed one, with the reason; 409 when it
        is already rejected."""
        mapping = self.get_object()
        data = self.validated_input(RejectSerializer)
        mapping = services.mapping_reject(
            actor=request.user, mapping=mapping, reason=data["reason"]
        )
        return self.read_response(self.fresh(mapping))
