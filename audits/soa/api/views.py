"""REST API of the Statement of Applicability, its versions and readiness (the catalogue's
API is in audits.catalogue.api). Thin: reads through audits.soa.selectors / readiness / gaps,
writes through audits.soa.services."""

from django.db.models import QuerySet
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aims.api.serializers import HistoryEntrySerializer, HistoryPageSerializer
from aims.api.views import (
    AUTHENTICATION_CLASSES,
    AIMSViewSetMixin,
    readable_names,
    refuse_unwritable,
    write_schema,
)
from aims.history_diff import history_entries
from aims.view_helpers import order_list_by_sort
from audits.models import CatalogueItem, ControlStatement, SoAVersion

from .. import assignments, selectors, services
from .. import gaps as gap_checks
from ..forms import GapFilterForm
from ..readiness import readiness
from .serializers import (
    ComparisonSerializer,
    ControlStatementReadSerializer,
    ControlStatementWriteSerializer,
    GapAssignSerializer,
    GapRowSerializer,
    GapSerializer,
    GapStatusSerializer,
    GroupReadinessSerializer,
    ReadinessSerializer,
    SoAVersionApproveSerializer,
    SoAVersionReadSerializer,
)


class StatementFilter(filters.FilterSet):
    kind = filters.ChoiceFilter(field_name="item__kind", choices=CatalogueItem.Kind.choices)
    code = filters.CharFilter(field_name="item__code", lookup_expr="istartswith")

    class Meta:
        model = ControlStatement
        fields = ["kind", "code", "applicable", "implementation_status", "owner"]


@extend_schema_view(
    **write_schema(
        ControlStatementWriteSerializer,
        ControlStatementReadSerializer,
        actions=("update", "partial_update"),
    )
)
class ControlStatementViewSet(
    AIMSViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """The Statement of Applicability: one statement per requirement and Annex A control,
    with its readiness. Officers change it (PATCH); everyone else reads."""

    read_serializer_class = ControlStatementReadSerializer
    write_serializer_class = ControlStatementWriteSerializer
    write_permissions = (services.CHANGE_PERM,)
    filterset_class = StatementFilter
    search_fields = ["item__code", "item__title"]
    ordering_fields = ["item__sort_key", "updated_at"]

    def get_queryset(self) -> QuerySet[ControlStatement]:
        if getattr(self, "swagger_fake_view", False):
            return ControlStatement.objects.none()
        return selectors.statement_list(user=self.request.user).prefetch_related("systems", "risks")

    def update(self, request, *args, **kwargs):
        statement = self.get_object()
        partial = kwargs.get("partial", False)
        data = self.validated_input(instance=statement, partial=partial)
        statement = services.statement_update(actor=request.user, statement=statement, data=data)
        return self.read_response(self.get_queryset().get(pk=statement.pk))

    @extend_schema(responses=HistoryPageSerializer)
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """Who changed the statement, when and why, newest first: field changes and the AI
        systems and risks linked or unlinked (by reference)."""
        page = self.paginate_queryset(history_entries([self.get_object().history.all()]))
        return self.get_paginated_response(HistoryEntrySerializer(page, many=True).data)


@extend_schema_view(
    **write_schema(SoAVersionApproveSerializer, SoAVersionReadSerializer, actions=("create",))
)
class SoAVersionViewSet(
    AIMSViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Approved versions of the SoA, by number. POST approves the live SoA as the next
    version; compare/?a=1&b=current shows what changed."""

    read_serializer_class = SoAVersionReadSerializer
    write_serializer_class = SoAVersionApproveSerializer
    write_permissions = (services.APPROVE_PERM,)
    lookup_field = "number"
    filter_backends: list = []

    def get_queryset(self) -> QuerySet[SoAVersion]:
        if getattr(self, "swagger_fake_view", False):
            return SoAVersion.objects.none()
        return selectors.version_list(user=self.request.user)

    def create(self, request):
        version = services.soa_version_approve(actor=request.user, **self.validated_input())
        return self.read_response(version, status.HTTP_201_CREATED)

    def _rows(self, choice: str, field: str) -> list[dict]:
        if choice == "current":
            return services.soa_rows()
        if not choice.isdigit():
            raise ValidationError({field: ["Give a version number or 'current'."]})
        version = self.get_queryset().filter(number=int(choice)).first()
        if version is None:
            raise ValidationError({field: [f"There is no SoA version {choice}."]})
        return version.rows

    @extend_schema(
        parameters=[
            OpenApiParameter("a", str, required=True, description="Version number or 'current'."),
            OpenApiParameter("b", str, required=True, description="Version number or 'current'."),
        ],
        responses=ComparisonSerializer,
    )
    @action(detail=False, methods=["get"])
    def compare(self, request):
        """Field-level differences from version ``a`` to version ``b``."""
        if not selectors.can_view_versions(request.user):
            raise PermissionDenied("You may not read SoA versions.")
        a, b = request.query_params.get("a", ""), request.query_params.get("b", "")
        missing = {k: ["This parameter is required."] for k, v in (("a", a), ("b", b)) if not v}
        if missing:
            raise ValidationError(missing)
        comparison = services.soa_compare(self._rows(a, "a"), self._rows(b, "b"))
        data = {
            "a": a,
            "b": b,
            "changed": comparison.changed,
            "added": comparison.added,
            "removed": comparison.removed,
        }
        return Response(ComparisonSerializer(data).data)


class CanViewStatements(IsAuthenticated):
    message = "You may not read the Statement of Applicability."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and selectors.can_view_statements(request.user)


class ReadinessView(APIView):
    """Readiness percentages (overall, per clause, per Annex A objective) and the first gaps
    of the gap list (``gaps_limit`` of them, most severe first; ``gap_count`` in all), each
    gap with what to do next and the page of the record to fix. The whole list, paginated,
    with assignments and filters: ``/api/v1/readiness/gaps/``."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [CanViewStatements]
    gaps_limit = 100

    @extend_schema(responses=ReadinessSerializer)
    def get(self, request):
        today = timezone.localdate()
        state = readiness(today=today)
        found = gap_checks.gap_summary(
            user=request.user, top=self.gaps_limit, today=today, state=state
        )
        data = {
            "date": today,
            "percent": state.percent,
            "ready": state.ready,
            "total": state.total,
            "clauses": GroupReadinessSerializer(state.clauses, many=True).data,
            "annex": GroupReadinessSerializer(state.annex, many=True).data,
            "gaps": GapSerializer(found.top, many=True).data,
            "gap_count": found.total,
            "gaps_limit": self.gaps_limit,
            "gaps_complete": len(found.top) == found.total,
        }
        return Response(data)


# --- Readiness gaps and their assignments ---------------------------------------------------


class GapAPIMixin:
    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [CanViewStatements]

    def row(self, request, kind: str, record: str) -> assignments.GapRow:
        row = assignments.row_of(user=request.user, kind=kind, record=record)
        if row is None:
            raise NotFound("There is no such gap today, or you do not see its record.")
        return row

    def validated(self, serializer_class) -> dict:
        """The input, shaped; a field it cannot set is refused by name, never ignored."""
        serializer = serializer_class(data=self.request.data)
        refuse_unwritable(serializer, self.request.data, readable_names(GapRowSerializer))
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)


class GapListView(GapAPIMixin, GenericAPIView):
    """The readiness-gap register: every gap the user sees, each with its assignment. The
    register page's filters (q, kind, severity, owner, status, overdue, unassigned) and
    sort (severity, record, kind, owner, due, status; "-" for descending) apply."""

    serializer_class = GapRowSerializer
    filter_backends: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter(name, str, required=False)
            for name in ("q", "kind", "severity", "owner", "status", "sort")
        ]
        + [OpenApiParameter(name, bool, required=False) for name in ("overdue", "unassigned")],
        responses=GapRowSerializer(many=True),
    )
    def get(self, request):
        form = GapFilterForm(request.query_params or None)
        filters = form.cleaned_data if form.is_valid() else {}
        if form.is_bound and not form.is_valid():
            raise ValidationError(form.errors)
        sort = request.query_params.get("sort", "severity")
        # Unfiltered (or by kind or severity) and by severity, a page reads its own rows.
        rows = assignments.gap_register(user=request.user, filters=filters, sort=sort)
        if rows is None:
            rows = assignments.gap_rows(user=request.user, filters=filters)
            rows = order_list_by_sort(rows, sort, assignments.SORTABLE)
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(GapRowSerializer(page, many=True).data)


class GapDetailView(GapAPIMixin, APIView):
    """One gap with its assignment."""

    @extend_schema(responses=GapRowSerializer)
    def get(self, request, kind: str, record: str):
        return Response(GapRowSerializer(self.row(request, kind, record)).data)


class GapAssignView(GapAPIMixin, APIView):
    """Assign a gap (governance officers): owner, due date, note. Refusals: 403
    ``permission_denied``; 404 ``unknown_gap``; 400 ``due_date_past`` or ``owner_cannot_act``
    with the field under ``extra.fields``."""

    @extend_schema(request=GapAssignSerializer, responses=GapRowSerializer)
    def post(self, request, kind: str, record: str):
        data = self.validated(GapAssignSerializer)
        assignments.gap_assign(actor=request.user, kind=kind, record=record, **data)
        return Response(GapRowSerializer(self.row(request, kind, record)).data)


class GapStatusView(GapAPIMixin, APIView):
    """The assignee (or an officer) sets the status and note; resolving or accepting needs a
    note (400 ``note_required``). Anyone else: 403 ``permission_denied``."""

    @extend_schema(request=GapStatusSerializer, responses=GapRowSerializer)
    def post(self, request, kind: str, record: str):
        row = self.row(request, kind, record)
        if row.assignment is None:
            raise NotFound("This gap is not assigned yet.")
        data = self.validated(GapStatusSerializer)
        assignments.gap_update(
            actor=request.user,
            assignment=row.assignment,
            status=data["status"],
            note=data.get("note", ""),
        )
        return Response(GapRowSerializer(self.row(request, kind, record)).data)
