"""REST API of the inventory. Thin: reads go through inventory.selectors (an object outside
the user's reach is a 404), writes through inventory.services (which refuse with 400/403/409)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from aims.api.bases import SelectorViewSet
from aims.api.serializers import HistoryEntrySerializer, HistoryPageSerializer
from aims.api.views import AIMSViewSetMixin, write_schema
from aims.permissions import has_global_perm
from inventory import selectors, services, vendor_changes
from inventory.errors import Code
from inventory.history import system_history
from inventory.models import (
    AISystem,
    Approval,
    ApprovalCondition,
    ChangeRequest,
    Component,
    Dataset,
    GateSetting,
    ValidationRecord,
)

from .serializers import (
    AISystemDetailSerializer,
    AISystemIntakeSerializer,
    AISystemReadSerializer,
    AISystemWriteSerializer,
    ApprovalConditionReadSerializer,
    ApprovalReadSerializer,
    ChangeRequestReadSerializer,
    ChangeRequestWriteSerializer,
    ComponentReadSerializer,
    ComponentWriteSerializer,
    ConditionCloseSerializer,
    DatasetReadSerializer,
    DatasetWriteSerializer,
    DecisionSerializer,
    GateSettingReadSerializer,
    GateSettingWriteSerializer,
    MaterialityDecisionSerializer,
    NextStepSerializer,
    ReleaseBlockersSerializer,
    SystemFilterSerializer,
    TransitionSerializer,
    ValidationRecordReadSerializer,
    ValidationRecordWriteSerializer,
    ValidationReviewSerializer,
)

# --- Change control -------------------------------------------------------------------------


def change_request_opened(view, change: ChangeRequest, record_data) -> Response:
    """An edit of material facts is not applied: 202 Accepted, with the change request it
    opened (to be decided at POST /change-requests/{id}/decide/) and the record as saved
    (its other fields, if the edit had any, were applied; null for a proposed addition)."""
    return Response(
        {
            "code": str(Code.CHANGE_REQUEST_OPENED),
            "message": services.diverted_message(change),
            "change_request": ChangeRequestReadSerializer(
                change, context=view.get_serializer_context()
            ).data,
            "record": record_data,
        },
        status=status.HTTP_202_ACCEPTED,
    )


# --- AI systems -----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(parameters=[SystemFilterSerializer]),
    retrieve=extend_schema(responses=AISystemDetailSerializer),
    create=extend_schema(
        request=AISystemIntakeSerializer, responses={201: AISystemDetailSerializer}
    ),
    **write_schema(AISystemWriteSerializer, AISystemDetailSerializer, ("update", "partial_update")),
)
class SystemViewSet(AIMSViewSetMixin, viewsets.GenericViewSet):
    """AI systems. Created by use-case intake; moved along their lifecycle by POST actions;
    never deleted (retire them)."""

    read_serializer_class = AISystemReadSerializer
    write_serializer_class = AISystemWriteSerializer
    write_permissions = (
        "inventory.add_aisystem",
        "inventory.change_aisystem",
        "inventory.decide_gate",
    )
    filter_backends = []  # query parameters are validated and passed to the selector

    def get_queryset(self) -> QuerySet[AISystem]:
        return selectors.system_list(user=self.request.user)

    def get_object(self) -> AISystem:
        try:
            return selectors.system_get(user=self.request.user, pk=int(self.kwargs["pk"]))
        except AISystem.DoesNotExist:
            raise NotFound() from None

    def get_serializer_class(self):
        if self.action == "create":
            return AISystemIntakeSerializer
        return super().get_serializer_class()

    def detail_response(self, system: AISystem, status_code: int = status.HTTP_200_OK):
        # Read back what was saved: a save can recompute derived fields (the risk tier) on
        # another copy of the row, and the answer must show the record as it now stands.
        system = AISystem.objects.select_related("owner", "submitted_by", "oversight_person").get(
            pk=system.pk
        )
        return self.read_response(system, status_code, serializer_class=AISystemDetailSerializer)

    def list(self, request):
        params = SystemFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        systems = selectors.system_list(user=request.user, filters=params.validated_data)
        page = self.paginate_queryset(systems)
        context = {
            **self.get_serializer_context(),
            "vendor_waiting": vendor_changes.systems_waiting_on_vendor_change(s.pk for s in page),
        }
        serializer = self.get_serializer(page, many=True, context=context)
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request, pk=None):
        return self.detail_response(self.get_object())

    def create(self, request):
        data = self.validated_input()
        system = services.system_submit_intake(
            actor=request.user,
            owner=data.pop("owner", None),
            vendor=data.pop("vendor", ""),
            model_name=data.pop("model_name", ""),
            data=data,
        )
        return self.detail_response(system, status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        system = self.get_object()
        data = self.validated_input(instance=system, partial=partial)
        owner = data.pop("owner", None)
        change = None
        with transaction.atomic():  # details and handover succeed or fail together
            if data:
                edited = services.system_edit(actor=request.user, system=system, data=data)
                system, change = edited.record, edited.change
            if owner is not None and owner != system.owner:
                system = services.system_set_owner(actor=request.user, system=system, owner=owner)
        if change is not None:
            return change_request_opened(self, change, self.detail_response(system).data)
        return self.detail_response(system)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    @extend_schema(request=TransitionSerializer, responses=AISystemDetailSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Run a lifecycle action (start_triage, resubmit, start_validation, retire)."""
        system = self.get_object()
        data = self.validated_input(TransitionSerializer)
        system = services.system_transition(actor=request.user, system=system, **data)
        return self.detail_response(system)

    @extend_schema(request=DecisionSerializer, responses={201: ApprovalReadSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Record the acting approver's decision at the gate that is open."""
        system = self.get_object()
        data = self.validated_input(DecisionSerializer)
        approval = services.approval_decide(actor=request.user, system=system, **data)
        return self.read_response(
            approval, status.HTTP_201_CREATED, serializer_class=ApprovalReadSerializer
        )

    @extend_schema(responses=ReleaseBlockersSerializer)
    @action(detail=True, methods=["get"], url_path="release-blockers")
    def release_blockers(self, request, pk=None):
        """What the release gate still lacks."""
        blockers = services.gate_blockers(self.get_object(), "release")
        return Response({"ready": not blockers, "blockers": blockers})

    @extend_schema(responses=NextStepSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="next-steps")
    def next_steps(self, request, pk=None):
        """What the system needs next: each step's status, who acts, and the page where it is
        done when the caller may open it (the same checklist as the system page)."""
        from inventory.next_steps import next_steps

        steps = next_steps(request.user, self.get_object())
        return Response(NextStepSerializer(steps, many=True).data)

    @extend_schema(responses=HistoryPageSerializer)
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """Field-level history of the system and its records, newest first."""
        entries = system_history(self.get_object())
        page = self.paginate_queryset(entries)
        return self.get_paginated_response(HistoryEntrySerializer(page, many=True).data)


# --- Records under a system -----------------------------------------------------------------


class SystemChildViewSet(SelectorViewSet):
    """List and retrieve the records under the systems a user may see."""


class EditableChildViewSet(SystemChildViewSet):
    """Components and datasets: created, edited and removed through services.child_save and
    services.child_delete."""

    def edited_response(self, edited, status_code=status.HTTP_200_OK):
        if edited.change is None:
            return self.read_response(edited.record, status_code)
        record = self.read_response(edited.record).data if edited.record is not None else None
        return change_request_opened(self, edited.change, record)

    def create(self, request):
        data = self.validated_input()
        record = self.read_serializer_class.Meta.model(system=data.pop("system"))
        edited = services.child_edit(actor=request.user, record=record, data=data)
        return self.edited_response(edited, status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        record = self.get_object()
        data = self.validated_input(instance=record, partial=partial)
        edited = services.child_edit(actor=request.user, record=record, data=data)
        return self.edited_response(edited)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk=None):
        change = services.child_delete(actor=request.user, record=self.get_object())
        if change is not None:
            return change_request_opened(self, change, None)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ComponentFilter(filters.FilterSet):
    system = filters.NumberFilter()

    class Meta:
        model = Component
        fields = ["system", "kind"]


@extend_schema_view(**write_schema(ComponentWriteSerializer, ComponentReadSerializer))
class ComponentViewSet(EditableChildViewSet):
    selector = staticmethod(selectors.component_list)
    read_serializer_class = ComponentReadSerializer
    write_serializer_class = ComponentWriteSerializer
    write_permissions = (
        "inventory.add_component",
        "inventory.change_component",
        "inventory.delete_component",
    )
    filterset_class = ComponentFilter


class DatasetFilter(filters.FilterSet):
    system = filters.NumberFilter()

    class Meta:
        model = Dataset
        fields = ["system", "use", "personal_data"]


@extend_schema_view(**write_schema(DatasetWriteSerializer, DatasetReadSerializer))
class DatasetViewSet(EditableChildViewSet):
    selector = staticmethod(selectors.dataset_list)
    read_serializer_class = DatasetReadSerializer
    write_serializer_class = DatasetWriteSerializer
    write_permissions = (
        "inventory.add_dataset",
        "inventory.change_dataset",
        "inventory.delete_dataset",
    )
    filterset_class = DatasetFilter


class ApprovalFilter(filters.FilterSet):
    system = filters.NumberFilter()
    approver = filters.NumberFilter()

    class Meta:
        model = Approval
        fields = ["system", "gate", "decision", "round", "approver"]


class ApprovalViewSet(SystemChildViewSet):
    """Gate decisions (read-only: decide through POST /systems/{id}/decide/)."""

    selector = staticmethod(selectors.approval_list)
    read_serializer_class = ApprovalReadSerializer
    filterset_class = ApprovalFilter


class ValidationRecordFilter(filters.FilterSet):
    system = filters.NumberFilter()

    class Meta:
        model = ValidationRecord
        fields = ["system", "test_type", "result"]


@extend_schema_view(
    **write_schema(ValidationRecordWriteSerializer, ValidationRecordReadSerializer, ("create",))
)
class ValidationRecordViewSet(SystemChildViewSet):
    """Tests and their results, with optional evidence (multipart file or link)."""

    selector = staticmethod(selectors.validation_list)
    read_serializer_class = ValidationRecordReadSerializer
    write_serializer_class = ValidationRecordWriteSerializer
    write_permissions = ("inventory.add_validationrecord", "inventory.review_validationrecord")
    filterset_class = ValidationRecordFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(request=ValidationReviewSerializer, responses=ValidationRecordReadSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """Confirm the review of a validation record: an officer or approver who is neither
        the system's owner nor the person who performed the test."""
        record = self.get_object()
        data = self.validated_input(ValidationReviewSerializer)
        record = services.validation_record_review(actor=request.user, record=record, **data)
        return self.read_response(ValidationRecord.objects.get(pk=record.pk))

    def create(self, request):
        data = self.validated_input()
        try:
            record = services.validation_record_create(
                actor=request.user,
                system=data.pop("system"),
                evidence_file=data.pop("evidence_file", None),
                evidence_url=data.pop("evidence_url", ""),
                **data,
            )
        except ValidationError as exc:
            # The evidence service names its input "file" and "url"; this API calls them
            # evidence_file and evidence_url.
            if not hasattr(exc, "error_dict"):
                raise
            renamed = {"file": "evidence_file", "url": "evidence_url"}
            raise ValidationError(
                {renamed.get(field, field): errors for field, errors in exc.message_dict.items()}
            ) from exc
        return self.read_response(record, status.HTTP_201_CREATED)


class ApprovalConditionFilter(filters.FilterSet):
    system = filters.NumberFilter()
    owner = filters.NumberFilter()

    class Meta:
        model = ApprovalCondition
        fields = ["system", "approval", "status", "owner"]


class ApprovalConditionViewSet(SystemChildViewSet):
    """Conditions of approvals (created by POST /systems/{id}/decide/ with
    approve_with_conditions). Closed by POST met/ (the condition's owner) or waive/ (a
    governance officer); the next gate of the system waits while one is open."""

    selector = staticmethod(selectors.condition_list)
    read_serializer_class = ApprovalConditionReadSerializer
    filterset_class = ApprovalConditionFilter
    write_permissions = ()  # the condition's owner or an officer: the service decides

    def _close(self, request, outcome: str):
        condition = self.get_object()
        data = self.validated_input(ConditionCloseSerializer)
        condition = services.condition_close(
            actor=request.user, condition=condition, outcome=outcome, **data
        )
        return self.read_response(ApprovalCondition.objects.get(pk=condition.pk))

    @extend_schema(request=ConditionCloseSerializer, responses=ApprovalConditionReadSerializer)
    @action(detail=True, methods=["post"])
    def met(self, request, pk=None):
        """The condition's owner marks it met, saying how (evidence link optional)."""
        return self._close(request, "met")

    @extend_schema(request=ConditionCloseSerializer, responses=ApprovalConditionReadSerializer)
    @action(detail=True, methods=["post"])
    def waive(self, request, pk=None):
        """A governance officer, who owns neither it nor the system, waives it with a reason."""
        return self._close(request, "waived")


class ChangeRequestFilter(filters.FilterSet):
    system = filters.NumberFilter()

    class Meta:
        model = ChangeRequest
        fields = ["system", "kind", "status", "is_material"]


@extend_schema_view(
    **write_schema(ChangeRequestWriteSerializer, ChangeRequestReadSerializer, ("create",))
)
class ChangeRequestViewSet(SystemChildViewSet):
    """Changes to deployed systems; a material one sends the system back to validation."""

    selector = staticmethod(selectors.change_request_list)
    read_serializer_class = ChangeRequestReadSerializer
    write_serializer_class = ChangeRequestWriteSerializer
    write_permissions = ("inventory.add_changerequest",)
    filterset_class = ChangeRequestFilter

    def create(self, request):
        data = self.validated_input()
        change = services.change_request_create(actor=request.user, **data)
        return self.read_response(change, status.HTTP_201_CREATED)

    @extend_schema(request=MaterialityDecisionSerializer, responses=ChangeRequestReadSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """Decide whether a proposed change is material, with a reason; its values are then
        applied. A governance officer decides; on a low tier also the system's owner."""
        change = self.get_object()
        data = self.validated_input(MaterialityDecisionSerializer)
        change = services.change_request_decide(actor=request.user, change=change, **data)
        return self.read_response(change)


# --- Gate settings --------------------------------------------------------------------------


@extend_schema_view(
    **write_schema(GateSettingWriteSerializer, GateSettingReadSerializer, ("partial_update",))
)
class GateSettingViewSet(AIMSViewSetMixin, viewsets.GenericViewSet):
    """How many approvals each gate needs. Read by every role that reads the inventory;
    changed by governance officers."""

    read_serializer_class = GateSettingReadSerializer
    write_serializer_class = GateSettingWriteSerializer
    write_permissions = ("inventory.change_gatesetting",)
    lookup_field = "gate"
    lookup_value_regex = "[a-z_]+"
    filter_backends = []
    pagination_class = None  # one row per gate

    def get_queryset(self) -> QuerySet[GateSetting]:
        # No selector exists for gate settings yet: the same rule as restrict_systems, by role.
        if has_global_perm(self.request.user, "inventory.view_gatesetting"):
            return GateSetting.objects.all()
        return GateSetting.objects.none()

    def list(self, request):
        return Response(self.get_serializer(self.get_queryset(), many=True).data)

    def retrieve(self, request, gate=None):
        return self.read_response(self.get_object())

    def partial_update(self, request, gate=None):
        setting = self.get_object()
        data = self.validated_input(instance=setting)  # PATCH of its one required field
        setting = services.gate_setting_update(
            actor=request.user, gate=setting.gate, required_approvals=data["required_approvals"]
        )
        return self.read_response(setting)
