"""REST API of audit programmes, internal audits, checklist items and findings. Thin: reads
through audits.internal_audits.selectors (a record the user may not view is a 404), writes
through audits.internal_audits.services and .findings. Read-only roles (auditors, approvers)
are refused every write with a 403."""

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aims.api.view_helpers import object_or_404
from aims.api.views import AIMSViewSetMixin
from aims.capa import selectors as capa_selectors
from aims.capa.api.views import CorrectiveActionReadSerializer
from audits.models import (
    AuditProgramme,
    ChecklistItem,
    Finding,
    InternalAudit,
)

from .. import findings as finding_services
from .. import selectors, services
from .serializers import (
    AuditProgrammeReadSerializer,
    AuditProgrammeWriteSerializer,
    AuditTransitionSerializer,
    ChecklistChangeSerializer,
    ChecklistItemReadSerializer,
    ChecklistResultSerializer,
    FindingCapaSerializer,
    FindingCreateSerializer,
    FindingReadSerializer,
    FindingUpdateSerializer,
    InternalAuditReadSerializer,
    InternalAuditWriteSerializer,
)

NO_PUT_OR_DELETE = ["get", "post", "patch", "head", "options"]


class ReadWriteViewSet(
    AIMSViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """List and read through a selector; subclasses create and update through services."""

    http_method_names = NO_PUT_OR_DELETE
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

    def fresh(self, obj):
        return self.selected().get(pk=obj.pk)


# --- Programmes -----------------------------------------------------------------------------


@extend_schema_view(
    create=extend_schema(
        request=AuditProgrammeWriteSerializer, responses={201: AuditProgrammeReadSerializer}
    ),
    partial_update=extend_schema(
        request=AuditProgrammeWriteSerializer, responses={200: AuditProgrammeReadSerializer}
    ),
)
class AuditProgrammeViewSet(ReadWriteViewSet):
    """Audit programmes: the planned audits of a period, their objectives and method."""

    model = AuditProgramme
    read_serializer_class = AuditProgrammeReadSerializer
    write_serializer_class = AuditProgrammeWriteSerializer
    write_permissions = ("audits.add_auditprogramme", "audits.change_auditprogramme")

    def selected(self):
        return selectors.programme_list(user=self.request.user)

    def create(self, request):
        data = self.validated_input()
        programme = services.programme_save(
            actor=request.user, programme=AuditProgramme(), data=data
        )
        return self.read_response(self.fresh(programme), status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        programme = AuditProgramme.objects.get(pk=self.get_object().pk)
        data = self.validated_input(instance=programme, partial=True)
        programme = services.programme_save(actor=request.user, programme=programme, data=data)
        return self.read_response(self.fresh(programme))


# --- Internal audits ------------------------------------------------------------------------


class InternalAuditFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", label="Reference or words of the title")

    class Meta:
        model = InternalAudit
        fields = ["status", "programme", "lead_auditor"]

    def search(self, queryset, name, value):
        return selectors.search_by_reference(queryset, InternalAudit.REFERENCE_PREFIX, value)


@extend_schema_view(
    create=extend_schema(
        request=InternalAuditWriteSerializer, responses={201: InternalAuditReadSerializer}
    ),
    partial_update=extend_schema(
        request=InternalAuditWriteSerializer, responses={200: InternalAuditReadSerializer}
    ),
)
class InternalAuditViewSet(ReadWriteViewSet):
    """Internal audits (AUD-). Planned by POST, moved on by POST transition/; the checklist
    is generated from the controls in scope by POST generate-checklist/."""

    model = InternalAudit
    read_serializer_class = InternalAuditReadSerializer
    write_serializer_class = InternalAuditWriteSerializer
    write_permissions = (
        "audits.add_internalaudit",
        "audits.change_internalaudit",
        "audits.add_checklistitem",
    )
    filterset_class = InternalAuditFilter

    def selected(self):
        return selectors.audit_list(user=self.request.user).prefetch_related(
            "controls", "systems", "team"
        )

    def create(self, request):
        data = self.validated_input()
        audit = services.audit_save(actor=request.user, audit=InternalAudit(), data=data)
        return self.read_response(self.fresh(audit), status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        audit = InternalAudit.objects.get(pk=self.get_object().pk)
        data = self.validated_input(instance=audit, partial=True)
        audit = services.audit_save(actor=request.user, audit=audit, data=data)
        return self.read_response(self.fresh(audit))

    @extend_schema(request=AuditTransitionSerializer, responses=InternalAuditReadSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Start, report, resume or close; refusals (409) list what is missing."""
        audit = self.get_object()
        data = self.validated_input(AuditTransitionSerializer)
        audit = services.audit_transition(actor=request.user, audit=audit, **data)
        return self.read_response(self.fresh(audit))

    @extend_schema(request=None, responses=ChecklistChangeSerializer)
    @action(detail=True, methods=["post"], url_path="generate-checklist")
    def generate_checklist(self, request, pk=None):
        """One checklist item per requirement in scope; repeating keeps recorded results."""
        audit = self.get_object()
        change = services.checklist_generate(actor=request.user, audit=audit)
        return Response(ChecklistChangeSerializer(change).data)

    @extend_schema(responses=ChecklistItemReadSerializer(many=True))
    @action(detail=True, methods=["get"])
    def checklist(self, request, pk=None):
        audit = self.get_object()
        items = selectors.checklist_of(audit=audit)
        return Response(ChecklistItemReadSerializer(items, many=True).data)


# --- Checklist items ------------------------------------------------------------------------


class ChecklistItemFilter(filters.FilterSet):
    class Meta:
        model = ChecklistItem
        fields = ["audit", "result"]


@extend_schema_view(
    partial_update=extend_schema(
        request=ChecklistResultSerializer, responses={200: ChecklistItemReadSerializer}
    ),
)
class ChecklistItemViewSet(ReadWriteViewSet):
    """Checklist items; PATCH records a result and the auditor who assessed it (who must not
    own the area assessed)."""

    model = ChecklistItem
    read_serializer_class = ChecklistItemReadSerializer
    write_serializer_class = ChecklistResultSerializer
    write_permissions = ("audits.change_checklistitem",)
    filterset_class = ChecklistItemFilter
    http_method_names = ["get", "patch", "head", "options"]

    def selected(self):
        return selectors.checklist_item_list(user=self.request.user)

    def partial_update(self, request, pk=None):
        data = self.validated_input(ChecklistResultSerializer)  # shape first: leaks nothing
        item = self.get_object()
        item = services.checklist_record(
            actor=request.user,
            checklist_item=item,
            result=data.get("result", item.result),
            notes=data.get("notes", item.notes),
            assessed_by=data.get("assessed_by"),
        )
        return self.read_response(self.fresh(item))


# --- Findings -------------------------------------------------------------------------------


class FindingFilter(filters.FilterSet):
    class Meta:
        model = Finding
        fields = ["audit", "kind", "status", "owner"]


@extend_schema_view(
    create=extend_schema(request=FindingCreateSerializer, responses={201: FindingReadSerializer}),
    partial_update=extend_schema(
        request=FindingUpdateSerializer, responses={200: FindingReadSerializer}
    ),
)
class FindingViewSet(ReadWriteViewSet):
    """Audit findings (FND-). A nonconformity gets its corrective action by POST open-capa/
    and closes by POST close/ once that action is verified effective."""

    model = Finding
    read_serializer_class = FindingReadSerializer
    write_serializer_class = FindingCreateSerializer
    write_permissions = ("audits.add_finding", "audits.change_finding")
    filterset_class = FindingFilter

    def selected(self):
        return selectors.finding_list(user=self.request.user)

    def create(self, request):
        data = self.validated_input()
        finding = finding_services.finding_raise(actor=request.user, **data)
        return self.read_response(self.fresh(finding), status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        finding = self.get_object()
        data = self.validated_input(FindingUpdateSerializer, instance=finding, partial=True)
        finding = finding_services.finding_update(actor=request.user, finding=finding, data=data)
        return self.read_response(self.fresh(finding))

    @extend_schema(request=FindingCapaSerializer, responses={201: CorrectiveActionReadSerializer})
    @action(detail=True, methods=["post"], url_path="open-capa")
    def open_capa(self, request, pk=None):
        """Open the corrective action of a nonconformity (owner and due date required)."""
        finding = self.get_object()
        data = self.validated_input(FindingCapaSerializer)
        capa = finding_services.finding_open_capa(actor=request.user, finding=finding, **data)
        return self.read_response(
            capa, status.HTTP_201_CREATED, serializer_class=CorrectiveActionReadSerializer
        )

    @extend_schema(responses=CorrectiveActionReadSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="corrective-actions")
    def corrective_actions(self, request, pk=None):
        finding = self.get_object()
        capas = capa_selectors.capas_of(source=finding).select_related("source_type")
        return Response(CorrectiveActionReadSerializer(capas, many=True).data)

    @extend_schema(request=None, responses=FindingReadSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the finding; a nonconformity only once its corrective actions are verified
        effective or closed (409 otherwise)."""
        finding = finding_services.finding_close(actor=request.user, finding=self.get_object())
        return self.read_response(self.fresh(finding))
