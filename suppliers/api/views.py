"""REST API of the supplier register. Thin: reads through suppliers.selectors (a record out
of reach is a 404), writes through suppliers.services (which refuse with 400/403/409)."""

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from aims.api.views import AIMSViewSetMixin, write_schema
from suppliers import selectors, services
from suppliers.models import (
    ReportChannel,
    ReviewQuestion,
    Supplier,
    VendorChangeImpact,
    VendorChangeNotice,
)

from .serializers import (
    AssessmentSerializer,
    ConfirmationSerializer,
    DependentSerializer,
    ReviewAnswerReadSerializer,
    ReviewAnswersSerializer,
    ReviewCompleteSerializer,
    ReviewQuestionSerializer,
    ReviewStartSerializer,
    SupplierReadSerializer,
    SupplierReviewDetailSerializer,
    SupplierReviewReadSerializer,
    SupplierTransitionSerializer,
    SupplierWriteSerializer,
    VendorChangeImpactSerializer,
    VendorChangeNoticeReadSerializer,
    VendorChangeNoticeWriteSerializer,
)


class SelectorViewSet(AIMSViewSetMixin, viewsets.GenericViewSet):
    """List and retrieve through a selector; an object outside it is a 404."""

    def selected(self) -> QuerySet:
        raise NotImplementedError

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return self.read_serializer_class.Meta.model.objects.none()
        return self.selected()

    def list(self, request):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return self.read_response(self.get_object())


class SupplierFilter(filters.FilterSet):
    class Meta:
        model = Supplier
        fields = ["status", "supplier_type", "criticality", "owner"]


@extend_schema_view(**write_schema(SupplierWriteSerializer, SupplierReadSerializer,
                                   ("create", "partial_update")))  # fmt: skip
class SupplierViewSet(SelectorViewSet):
    """The supplier register. Created "proposed"; moved on by POST .../transition/; never
    deleted (offboard instead)."""

    read_serializer_class = SupplierReadSerializer
    write_serializer_class = SupplierWriteSerializer
    write_permissions = (
        "suppliers.add_supplier",
        "suppliers.change_supplier",
        "suppliers.approve_supplier",
    )
    filterset_class = SupplierFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def selected(self):
        return selectors.supplier_list(user=self.request.user)

    def create(self, request):
        data = self.validated_input()
        supplier = services.supplier_create(
            actor=request.user, owner=data.pop("owner", None), data=data
        )
        return self.read_response(supplier, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        supplier = self.get_object()
        data = self.validated_input(instance=supplier, partial=True)
        owner = data.pop("owner", None)
        supplier = services.supplier_update(
            actor=request.user, supplier=supplier, data=data, owner=owner
        )
        return self.read_response(supplier)

    @extend_schema(request=SupplierTransitionSerializer, responses=SupplierReadSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """approve, approve_with_conditions (needs conditions), suspend or offboard (need a
        reason). Approval needs a completed review and an approver who is not the owner."""
        supplier = self.get_object()
        data = self.validated_input(SupplierTransitionSerializer)
        supplier = services.supplier_transition(actor=request.user, supplier=supplier, **data)
        return self.read_response(supplier)

    @extend_schema(responses=DependentSerializer(many=True))
    @action(detail=True, methods=["get"])
    def dependents(self, request, pk=None):
        """The AI systems (that the user may see) with components from this supplier."""
        found = selectors.dependents(user=request.user, supplier=self.get_object())
        return Response(DependentSerializer(found, many=True).data)


@extend_schema_view(**write_schema(ReviewQuestionSerializer, ReviewQuestionSerializer,
                                   ("create", "partial_update")))  # fmt: skip
class ReviewQuestionViewSet(SelectorViewSet):
    """The due-diligence questionnaire; edited by governance officers."""

    read_serializer_class = ReviewQuestionSerializer
    write_serializer_class = ReviewQuestionSerializer
    write_permissions = ("suppliers.add_reviewquestion", "suppliers.change_reviewquestion")
    filterset_fields = ["topic", "active"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def selected(self):
        return selectors.question_list(user=self.request.user)

    def create(self, request):
        data = self.validated_input()
        question = services.question_save(actor=request.user, question=ReviewQuestion(), data=data)
        return self.read_response(question, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        question = self.get_object()
        data = self.validated_input(instance=question, partial=True)
        question = services.question_save(actor=request.user, question=question, data=data)
        return self.read_response(question)


@extend_schema_view(
    create=extend_schema(request=ReviewStartSerializer,
                         responses={201: SupplierReviewDetailSerializer}),
    retrieve=extend_schema(responses=SupplierReviewDetailSerializer),
)  # fmt: skip
class SupplierReviewViewSet(SelectorViewSet):
    """Due-diligence reviews. POST starts one (the questions are copied in); answers and
    completion are actions."""

    read_serializer_class = SupplierReviewReadSerializer
    write_serializer_class = ReviewStartSerializer
    write_permissions = ("suppliers.add_supplierreview", "suppliers.change_supplierreview")
    filterset_fields = ["supplier", "status", "decision"]

    def selected(self):
        return selectors.review_list(user=self.request.user)

    def detail_response(self, review, code=status.HTTP_200_OK):
        review = (
            selectors.review_list(user=self.request.user)
            .prefetch_related("answers")
            .get(pk=review.pk)
        )
        return self.read_response(review, code, serializer_class=SupplierReviewDetailSerializer)

    def retrieve(self, request, pk=None):
        return self.detail_response(self.get_object())

    def create(self, request):
        data = self.validated_input()
        review = services.review_start(actor=request.user, supplier=data["supplier"])
        return self.detail_response(review, status.HTTP_201_CREATED)

    @extend_schema(request=ReviewAnswersSerializer, responses=SupplierReviewDetailSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Record answers: [{"id": answer id, "value": yes|partly|no|na, "comment": ...}]."""
        review = self.get_object()
        data = self.validated_input(ReviewAnswersSerializer)
        answers = {
            row["id"]: {k: v for k, v in row.items() if k != "id"} for row in data["answers"]
        }
        review = services.review_answer(actor=request.user, review=review, answers=answers)
        return self.detail_response(review)

    @extend_schema(request=ReviewCompleteSerializer, responses=SupplierReviewDetailSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Close the review: score and rating are computed from the answers."""
        review = self.get_object()
        data = self.validated_input(ReviewCompleteSerializer)
        review = services.review_complete(actor=request.user, review=review, **data)
        return self.detail_response(review)


class ReviewAnswerViewSet(SelectorViewSet):
    """Answers of reviews, with the question as it was asked (read-only: answer through
    POST /supplier-reviews/{id}/answer/)."""

    read_serializer_class = ReviewAnswerReadSerializer
    filterset_fields = ["review", "topic", "value"]

    def selected(self):
        return selectors.answer_list(user=self.request.user)


class NoticeFilter(filters.FilterSet):
    class Meta:
        model = VendorChangeNotice
        fields = ["supplier", "status", "kind", "source"]


@extend_schema_view(**write_schema(VendorChangeNoticeWriteSerializer,
                                   VendorChangeNoticeReadSerializer, ("create",)))  # fmt: skip
class VendorChangeNoticeViewSet(SelectorViewSet):
    """Vendor change notices, one per change. POSTing a change with a to version
    (``observed_identifier``) already recorded for the supplier and model -- whatever the
    wording, case or spacing -- adds the report to that notice (200, the notice with its
    observations) instead of creating a second one (201). Recording a new one flags every AI
    system that depends on the supplier (see vendor-change-impacts)."""

    read_serializer_class = VendorChangeNoticeReadSerializer
    write_serializer_class = VendorChangeNoticeWriteSerializer
    write_permissions = ("suppliers.add_vendorchangenotice",)
    filterset_class = NoticeFilter

    def selected(self):
        return selectors.notice_list(user=self.request.user)

    def create(self, request):
        data = self.validated_input()
        notice, created = services.vendor_change_report(
            actor=request.user, supplier=data.pop("supplier"), data=data, channel=ReportChannel.API
        )
        return self.read_response(
            notice, status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class ImpactFilter(filters.FilterSet):
    class Meta:
        model = VendorChangeImpact
        fields = ["notice", "assessment", "system_id", "under_review"]


class VendorChangeImpactViewSet(SelectorViewSet):
    """What each vendor change means for each dependent AI system. Owners see and assess
    those of their own systems."""

    read_serializer_class = VendorChangeImpactSerializer
    filterset_class = ImpactFilter
    # Assessing is an object-level right of the system's owner: the service decides.
    write_permissions = ()

    def selected(self):
        return selectors.impact_list(user=self.request.user)

    def get_object(self):
        try:
            return selectors.impact_get(user=self.request.user, pk=int(self.kwargs["pk"]))
        except VendorChangeImpact.DoesNotExist:
            raise NotFound() from None

    @extend_schema(request=AssessmentSerializer, responses=VendorChangeImpactSerializer)
    @action(detail=True, methods=["post"])
    def assess(self, request, pk=None):
        """The owner's assessment: no_impact, revalidate or reapprove (the last two send a
        deployed system back through the release gate). On a high-tier system an owner's
        no_impact waits for an officer's confirmation (assessment no_impact_proposed)."""
        impact = self.get_object()
        data = self.validated_input(AssessmentSerializer)
        impact = services.impact_assess(actor=request.user, impact=impact, **data)
        return self.read_response(impact)

    @extend_schema(request=ConfirmationSerializer, responses=VendorChangeImpactSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """An officer (not the system's owner, not the assessor) confirms an owner's
        'no impact' on a high-tier system, or sends it back; with a reason."""
        impact = self.get_object()
        data = self.validated_input(ConfirmationSerializer)
        impact = services.impact_confirm(actor=request.user, impact=impact, **data)
        return self.read_response(impact)
