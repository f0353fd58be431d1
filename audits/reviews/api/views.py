"""REST API of management reviews and their actions. Thin: reads through
audits.reviews.selectors (a review the user may not view is a 404), writes through
audits.reviews.services. Read-only roles are refused every write with a 403."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action

from audits.internal_audits.api.views import ReadWriteViewSet
from audits.models import ManagementReview, ReviewAction

from .. import selectors
from .. import services as reviews
from .serializers import (
    ManagementReviewCreateSerializer,
    ManagementReviewReadSerializer,
    ManagementReviewUpdateSerializer,
    ReviewActionCreateSerializer,
    ReviewActionReadSerializer,
    ReviewActionUpdateSerializer,
    ReviewRecordSerializer,
    ReviewRefreshSerializer,
)

# --- Management reviews ---------------------------------------------------------------------


class ManagementReviewFilter(filters.FilterSet):
    class Meta:
        model = ManagementReview
        fields = ["status"]


@extend_schema_view(
    create=extend_schema(
        request=ManagementReviewCreateSerializer, responses={201: ManagementReviewReadSerializer}
    ),
    partial_update=extend_schema(
        request=ManagementReviewUpdateSerializer, responses={200: ManagementReviewReadSerializer}
    ),
)
class ManagementReviewViewSet(ReadWriteViewSet):
    """Management reviews (MR-). Creating one gathers its inputs from live data; refresh
    them while planned, record the outcome, then close."""

    model = ManagementReview
    read_serializer_class = ManagementReviewReadSerializer
    write_serializer_class = ManagementReviewCreateSerializer
    write_permissions = ("audits.add_managementreview", "audits.change_managementreview")
    filterset_class = ManagementReviewFilter

    def selected(self):
        return selectors.review_list(user=self.request.user).prefetch_related("attendees")

    def create(self, request):
        data = self.validated_input()
        review = reviews.review_create(actor=request.user, **data)
        return self.read_response(self.fresh(review), status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        review = self.get_object()
        data = self.validated_input(ManagementReviewUpdateSerializer, instance=review, partial=True)
        review = reviews.review_update(actor=request.user, review=review, data=data)
        return self.read_response(self.fresh(review))

    @extend_schema(request=ReviewRefreshSerializer, responses=ManagementReviewReadSerializer)
    @action(detail=True, methods=["post"], url_path="refresh-inputs")
    def refresh_inputs(self, request, pk=None):
        review = self.get_object()
        data = self.validated_input(ReviewRefreshSerializer)
        review = reviews.review_refresh_inputs(actor=request.user, review=review, **data)
        return self.read_response(self.fresh(review))

    @extend_schema(request=ReviewRecordSerializer, responses=ManagementReviewReadSerializer)
    @action(detail=True, methods=["post"])
    def record(self, request, pk=None):
        """Record the meeting's outcome (decisions required); the review is then held."""
        review = self.get_object()
        data = self.validated_input(ReviewRecordSerializer)
        review = reviews.review_record(actor=request.user, review=review, **data)
        return self.read_response(self.fresh(review))

    @extend_schema(request=None, responses=ManagementReviewReadSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        review = reviews.review_close(actor=request.user, review=self.get_object())
        return self.read_response(self.fresh(review))


# --- Review actions -------------------------------------------------------------------------


class ReviewActionFilter(filters.FilterSet):
    class Meta:
        model = ReviewAction
        fields = ["review", "status", "owner"]


@extend_schema_view(
    create=extend_schema(
        request=ReviewActionCreateSerializer, responses={201: ReviewActionReadSerializer}
    ),
    partial_update=extend_schema(
        request=ReviewActionUpdateSerializer, responses={200: ReviewActionReadSerializer}
    ),
)
class ReviewActionViewSet(ReadWriteViewSet):
    """Actions decided at management reviews; PATCH reports their status."""

    model = ReviewAction
    read_serializer_class = ReviewActionReadSerializer
    write_serializer_class = ReviewActionCreateSerializer
    write_permissions = ("audits.add_reviewaction", "audits.change_reviewaction")
    filterset_class = ReviewActionFilter

    def selected(self):
        return selectors.review_action_list(user=self.request.user)

    def create(self, request):
        data = self.validated_input()
        action_ = reviews.review_action_add(actor=request.user, **data)
        return self.read_response(self.fresh(action_), status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        review_action = self.get_object()
        data = self.validated_input(
            ReviewActionUpdateSerializer, instance=review_action, partial=True
        )
        review_action = reviews.review_action_update(
            actor=request.user, action=review_action, data=data
        )
        return self.read_response(self.fresh(review_action))
