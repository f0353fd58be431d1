"""REST API of the risk app. Thin: reads through risk.selectors (an object outside the
user's reach is a 404), writes through risk.services (400/403/409 with the reason)."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from aims.api.bases import SelectorViewSet
from aims.api.serializers import HistoryEntrySerializer, HistoryPageSerializer
from aims.api.views import AIMSViewSetMixin, write_schema
from inventory import selectors as inventory_selectors
from inventory.models import AISystem, Gate

from .. import classification as questionnaire
from .. import selectors, services
from ..history import system_risk_history
from ..models import (
    Classification,
    ImpactAssessment,
    Methodology,
    ObligationTimeline,
    Risk,
    RiskAssessment,
    TierDecision,
    TierRequirement,
    TreatmentAction,
)
from .serializers import (
    AcceptSerializer,
    ClassificationReadSerializer,
    ClassificationUpdateSerializer,
    ClassificationWriteSerializer,
    ConfirmSerializer,
    ImpactAssessmentReadSerializer,
    ImpactAssessmentWriteSerializer,
    MethodologySerializer,
    ObligationTimelineSerializer,
    QuestionSerializer,
    RiskAssessmentReadSerializer,
    RiskAssessmentWriteSerializer,
    RiskProfileSerializer,
    RiskReadSerializer,
    RiskWriteSerializer,
    SignOffSerializer,
    TierDecisionSerializer,
    TierRequirementSerializer,
    TreatmentActionReadSerializer,
    TreatmentActionWriteSerializer,
)

WRITES = ("create", "partial_update")


class SystemFilter(filters.FilterSet):
    system = filters.NumberFilter()


class RecordViewSet(SelectorViewSet):
    """Create and patch a record that hangs off a parent (its system or risk) through one
    service call. The parent is set at creation only; a patch never moves the record."""

    model: type = None
    parent_field = "system"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def save(self, *, actor, record, data: dict):
        raise NotImplementedError

    def clean_input(self, data: dict) -> dict:
        return data

    def create(self, request):
        data = self.validated_input()
        record = self.model(**{self.parent_field: data.pop(self.parent_field)})
        record = self.save(actor=request.user, record=record, data=self.clean_input(data))
        return self.read_response(record, status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        record = self.get_object()
        data = self.validated_input(instance=record, partial=True)
        data.pop(self.parent_field, None)
        return self.read_response(
            self.save(actor=request.user, record=record, data=self.clean_input(data))
        )


# --- Methodology and tier requirements ------------------------------------------------------


@extend_schema_view(
    **write_schema(MethodologySerializer, MethodologySerializer, ("partial_update",))
)
class MethodologyViewSet(AIMSViewSetMixin, viewsets.GenericViewSet):
    """The risk methodology (one current version; history keeps the earlier ones)."""

    read_serializer_class = MethodologySerializer
    write_serializer_class = MethodologySerializer
    write_permissions = ("risk.change_methodology",)
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return Methodology.objects.order_by("-id")

    def list(self, request):
        return Response([MethodologySerializer(services.methodology_current()).data])

    def get_object(self):
        """Only the current one answers by id (an earlier id is history, not a record to
        edit); named here, it is versioned like any record (ETag / If-Match)."""
        current = services.methodology_current()
        if str(current.pk) != str(self.kwargs.get(self.lookup_field)):
            raise NotFound()
        return current

    def retrieve(self, request, pk=None):
        return self.read_response(self.get_object())

    def partial_update(self, request, pk=None):
        current = self.get_object()
        data = self.validated_input(instance=current, partial=True)
        return self.read_response(services.methodology_update(actor=request.user, data=data))


@extend_schema_view(
    **write_schema(TierRequirementSerializer, TierRequirementSerializer, ("partial_update",))
)
class TierRequirementViewSet(AIMSViewSetMixin, viewsets.GenericViewSet):
    """The requirements matrix: what each tier needs before each gate."""

    read_serializer_class = TierRequirementSerializer
    write_serializer_class = TierRequirementSerializer
    write_permissions = ("risk.change_tierrequirement",)
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return TierRequirement.objects.all()

    def list(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        return self.read_response(self.get_object())

    def partial_update(self, request, pk=None):
        requirement = self.get_object()
        data = self.validated_input(instance=requirement, partial=True)
        requirement = services.tier_requirement_update(
            actor=request.user, requirement=requirement, data=data
        )
        return self.read_response(requirement)


# --- Classification, tier, profile ----------------------------------------------------------


@extend_schema_view(
    create=extend_schema(
        request=ClassificationWriteSerializer,
        responses={201: ClassificationReadSerializer, 200: ClassificationReadSerializer},
    ),
    partial_update=extend_schema(
        request=ClassificationUpdateSerializer, responses=ClassificationReadSerializer
    ),
)
class ClassificationViewSet(SelectorViewSet):
    """EU AI Act classifications, one per system. The system's owner (or a governance
    officer) answers the questionnaire: POST records the answers as a draft (201 new, 200 when
    it replaces the system's answers), PATCH revises them; ``submit`` sends them to the
    governance officers; ``confirm`` (officers) confirms the result or changes it with a
    reason. Only the confirmed result decides the system's risk tier."""

    selector = staticmethod(selectors.classification_list)
    read_serializer_class = ClassificationReadSerializer
    write_serializer_class = ClassificationWriteSerializer
    write_permissions = ("risk.add_classification", "risk.confirm_classification")
    filterset_class = SystemFilter
    http_method_names = ["get", "post", "patch", "head", "options"]

    def create(self, request):
        data = self.validated_input()
        existed = Classification.objects.filter(system=data["system"]).exists()
        record = services.classification_save(actor=request.user, **data)
        return self.read_response(
            record, status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )

    def partial_update(self, request, pk=None):
        record = self.get_object()
        data = self.validated_input(ClassificationUpdateSerializer, partial=True)
        saved = services.classification_save(
            actor=request.user,
            system=record.system,
            answers=data.get("answers", record.answers),
            role=data.get("role", record.role),
            notes=data.get("notes", record.notes),
            submit=data.get("submit", False),
        )
        return self.read_response(saved)

    @extend_schema(request=None, responses=ClassificationReadSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send the draft to the governance officers for confirmation."""
        record = services.classification_submit(
            actor=request.user, classification=self.get_object()
        )
        return self.read_response(record)

    @extend_schema(request=ConfirmSerializer, responses=ClassificationReadSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """Confirm the proposed result, or change it with a reason (officers)."""
        record = self.get_object()
        data = self.validated_input(ConfirmSerializer)
        record = services.classification_confirm(actor=request.user, classification=record, **data)
        return self.read_response(record)

    @extend_schema(responses=QuestionSerializer(many=True), filters=False)
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def questions(self, request):
        """The current questionnaire, in the order of the Act: a plain list (not paginated,
        no filters). A question is asked only when its ``show_if`` holds."""
        return Response([questionnaire.question_as_dict(q) for q in questionnaire.QUESTIONS])


@extend_schema_view(
    **write_schema(ObligationTimelineSerializer, ObligationTimelineSerializer, ("partial_update",))
)
class ObligationTimelineViewSet(AIMSViewSetMixin, viewsets.GenericViewSet):
    """Which dates obligations apply from: the AI Act's timeline or the Digital Omnibus
    proposal's, with optional override dates per key. One current setting (a list of one);
    officers switch it (PATCH), the history keeps each choice."""

    read_serializer_class = ObligationTimelineSerializer
    write_serializer_class = ObligationTimelineSerializer
    write_permissions = ("risk.change_obligationtimeline",)
    http_method_names = ["get", "patch", "head", "options"]
    pagination_class = None

    def get_queryset(self):
        return ObligationTimeline.objects.order_by("-id")

    @extend_schema(responses=ObligationTimelineSerializer(many=True))
    def list(self, request):
        return Response([ObligationTimelineSerializer(services.timeline_current()).data])

    def get_object(self):
        """Only the current one answers by id (an earlier id is history, not a record to
        edit); named here, it is versioned like any record (ETag / If-Match)."""
        current = services.timeline_current()
        if str(current.pk) != str(self.kwargs.get(self.lookup_field)):
            raise NotFound()
        return current

    def retrieve(self, request, pk=None):
        return self.read_response(self.get_object())

    def partial_update(self, request, pk=None):
        current = self.get_object()
        data = self.validated_input(instance=current, partial=True)
        return self.read_response(services.timeline_update(actor=request.user, data=data))


class TierDecisionViewSet(SelectorViewSet):
    """Each system's internal risk tier with the reasons it was derived from."""

    selector = staticmethod(selectors.tier_decision_list)
    read_serializer_class = TierDecisionSerializer
    filterset_class = SystemFilter


class RiskProfileViewSet(AIMSViewSetMixin, viewsets.GenericViewSet):
    """One system's risk page: classification, tier and reasons, the checklist of tier
    requirements per gate, and the heat maps."""

    read_serializer_class = RiskProfileSerializer
    versioned = False  # a page composed of several records, not one to edit: no ETag

    def get_queryset(self):
        return inventory_selectors.system_list(user=self.request.user)

    def retrieve(self, request, pk=None):
        try:
            system = inventory_selectors.system_get(user=request.user, pk=int(pk))
        except AISystem.DoesNotExist:
            raise NotFound() from None
        risks = selectors.risk_list(user=request.user, filters={"system": system.pk})
        classification = Classification.objects.filter(system=system).first()
        data = {
            "system": system.pk,
            "risk_tier": system.risk_tier,
            "classification": classification,
            "classification_review_due": services.classification_review_due(classification),
            "tier_decision": TierDecision.objects.filter(system=system).first(),
            "checklist": {
                gate: [c.__dict__ for c in services.checklist(system, gate)] for gate in Gate.values
            },
            "heatmap": selectors.heatmaps(risks, system),
        }
        return Response(RiskProfileSerializer(data).data)

    @extend_schema(responses=HistoryPageSerializer)
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """Field-level history of the system's risk records, newest first."""
        try:
            system = inventory_selectors.system_get(user=request.user, pk=int(pk))
        except AISystem.DoesNotExist:
            raise NotFound() from None
        page = self.paginate_queryset(system_risk_history(system))
        return self.get_paginated_response(HistoryEntrySerializer(page, many=True).data)


# --- Assessments, risks, actions, impact assessments ---------------------------------------


@extend_schema_view(
    **write_schema(
        RiskAssessmentWriteSerializer, RiskAssessmentReadSerializer, ("create", "partial_update")
    )
)
class RiskAssessmentViewSet(RecordViewSet):
    selector = staticmethod(selectors.assessment_list)
    read_serializer_class = RiskAssessmentReadSerializer
    write_serializer_class = RiskAssessmentWriteSerializer
    write_permissions = ("risk.add_riskassessment", "risk.change_riskassessment")
    filterset_class = SystemFilter
    model = RiskAssessment

    def save(self, *, actor, record, data):
        return services.assessment_save(actor=actor, assessment=record, data=data)


class RiskFilter(filters.FilterSet):
    system = filters.NumberFilter()

    class Meta:
        model = Risk
        fields = [
            "system",
            "category",
            "risk_source",
            "treatment",
            "inherent_level",
            "residual_level",
            "acceptance",
            "owner",
            "inherent_likelihood",
            "inherent_impact",
            "residual_likelihood",
            "residual_impact",
        ]


@extend_schema_view(
    **write_schema(RiskWriteSerializer, RiskReadSerializer, ("create", "partial_update"))
)
class RiskViewSet(RecordViewSet):
    """The risk register. Scores and levels are computed from the methodology and stored."""

    selector = staticmethod(selectors.risk_list)
    read_serializer_class = RiskReadSerializer
    write_serializer_class = RiskWriteSerializer
    write_permissions = ("risk.add_risk", "risk.change_risk", "risk.accept_risk")
    filterset_class = RiskFilter
    model = Risk

    def save(self, *, actor, record, data):
        return services.risk_save(actor=actor, risk=record, data=data)

    @extend_schema(request=AcceptSerializer, responses=RiskReadSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """An approver (not the risk's or system's owner) accepts a residual risk above
        appetite, with a justification."""
        risk = self.get_object()
        data = self.validated_input(AcceptSerializer)
        return self.read_response(services.risk_accept(actor=request.user, risk=risk, **data))


class ActionFilter(filters.FilterSet):
    risk = filters.NumberFilter()

    class Meta:
        model = TreatmentAction
        fields = ["risk", "status", "owner"]


@extend_schema_view(
    **write_schema(
        TreatmentActionWriteSerializer, TreatmentActionReadSerializer, ("create", "partial_update")
    )
)
class TreatmentActionViewSet(RecordViewSet):
    selector = staticmethod(selectors.action_list)
    read_serializer_class = TreatmentActionReadSerializer
    write_serializer_class = TreatmentActionWriteSerializer
    write_permissions = ("risk.add_treatmentaction", "risk.change_treatmentaction")
    filterset_class = ActionFilter
    model = TreatmentAction
    parent_field = "risk"

    def save(self, *, actor, record, data):
        return services.action_save(actor=actor, action=record, data=data)


class ImpactFilter(filters.FilterSet):
    system = filters.NumberFilter()

    class Meta:
        model = ImpactAssessment
        fields = ["system", "status"]


@extend_schema_view(
    **write_schema(
        ImpactAssessmentWriteSerializer,
        ImpactAssessmentReadSerializer,
        ("create", "partial_update"),
    )
)
class ImpactAssessmentViewSet(RecordViewSet):
    selector = staticmethod(selectors.impact_list)
    read_serializer_class = ImpactAssessmentReadSerializer
    write_serializer_class = ImpactAssessmentWriteSerializer
    write_permissions = (
        "risk.add_impactassessment",
        "risk.change_impactassessment",
        "risk.signoff_impactassessment",
    )
    filterset_class = ImpactFilter
    model = ImpactAssessment

    def clean_input(self, data: dict) -> dict:
        if "harms" in data:
            data["harms"] = [dict(h) for h in data["harms"]]
        return data

    def save(self, *, actor, record, data):
        return services.impact_save(actor=actor, impact=record, data=data)

    @extend_schema(request=SignOffSerializer, responses=ImpactAssessmentReadSerializer)
    @action(detail=True, methods=["post"], url_path="sign-off")
    def sign_off(self, request, pk=None):
        record = self.get_object()
        data = self.validated_input(SignOffSerializer)
        return self.read_response(
            services.impact_sign_off(actor=request.user, impact=record, **data)
        )
