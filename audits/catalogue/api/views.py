"""REST API of the ISO/IEC 42001 catalogue (read-only), under /api/v1/catalogue/."""

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from rest_framework import mixins, viewsets

from aims.api.views import AIMSViewSetMixin
from audits.models import CatalogueItem

from .. import selectors
from .serializers import CatalogueItemSerializer


class CatalogueFilter(filters.FilterSet):
    class Meta:
        model = CatalogueItem
        fields = ["kind", "is_heading"]


class CatalogueItemViewSet(
    AIMSViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The ISO/IEC 42001 catalogue: clause requirements and Annex A controls, with their
    crosswalks to the EU AI Act and the NIST AI RMF. Read-only."""

    read_serializer_class = CatalogueItemSerializer
    filterset_class = CatalogueFilter
    search_fields = ["code", "title"]
    ordering_fields = ["sort_key"]

    def get_queryset(self) -> QuerySet[CatalogueItem]:
        if getattr(self, "swagger_fake_view", False):
            return CatalogueItem.objects.none()
        return selectors.catalogue_list(user=self.request.user)
