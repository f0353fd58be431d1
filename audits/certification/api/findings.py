"""REST API of the certification body's findings (/api/v1/external-findings/) and our
responses. Thin: reads through finding_selectors (a finding out of reach is a 404), writes
through findings (every rule and refusal there). Officers write; a finding's owner sends the
response to their own finding; approvers and auditors read."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer
from aims.api.view_helpers import object_or_404
from aims.api.views import AIMSViewSetMixin
from inventory.api.serializers import display

from ...models import CatalogueItem, ExternalAudit, ExternalFinding, FindingResponse
from .. import finding_selectors as selectors
from .. import findings as services

# --- Fields ---------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.STR)
class ClauseField(serializers.RelatedField):
    """A clause or Annex A control, by its code ("6.1.2", "A.6.2.8") or its id."""

    default_error_messages = {
        "unknown": "Unknown clause or control: {value}.",
        "invalid": "Give a clause code such as 6.1.2 or A.6.2.8, or an id.",
    }

    def get_queryset(self):
        return CatalogueItem.objects.filter(is_heading=False)

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | str):
            self.fail("invalid")
        text = str(data).strip()
        # A code first ("6" is clause 6 when it is a requirement), then an id.
        item = self.get_queryset().filter(code__iexact=text).first()
        if item is None and text.isdigit():
            item = self.get_queryset().filter(pk=int(text)).first()
        if item is None:
            self.fail("unknown", value=text)
        return item

    def to_representation(self, value):
        return value.code


@extend_schema_field(OpenApiTypes.INT)
class AuditField(serializers.PrimaryKeyRelatedField):
    """An external audit the user may see."""

    def get_queryset(self):
        request = self.context.get("request")
        user = getattr(request, "user", None)
        return ExternalAudit.objects.restrict(user, "view")


@extend_schema_field(OpenApiTypes.INT)
class ActiveUserField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return get_user_model().objects.filter(is_active=True)


# --- Serializers ----------------------------------------------------------------------------


class ClauseSummarySerializer(AimsModelSerializer):
    class Meta:
        model = CatalogueItem
        fields = ["id", "code", "title"]
        read_only_fields = fields


class ExternalFindingReadSerializer(AimsModelSerializer):
    reference = serializers.CharField(read_only=True)
    kind_display = display("kind")
    status_display = display("status")
    audit_reference = serializers.CharField(source="audit.reference", read_only=True)
    body_name = serializers.CharField(source="audit.body.name", read_only=True)
    clauses = ClauseSummarySerializer(many=True, read_only=True)
    owner_username = serializers.CharField(source="owner.username", read_only=True, default="")
    raised_by_username = serializers.CharField(source="raised_by.username", read_only=True)
    corrective_action_reference = serializers.CharField(
        source="corrective_action.reference", read_only=True, default=""
    )
    is_nonconformity = serializers.BooleanField(read_only=True)
    overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = ExternalFinding
        fields = [
            "id",
            "reference",
            "audit",
            "audit_reference",
            "body_name",
            "kind",
            "kind_display",
            "is_nonconformity",
            "title",
            "description",
            "clauses",
            "response_due",
            "overdue",
            "escalated_at",
            "owner",
            "owner_username",
            "corrective_action",
            "corrective_action_reference",
            "status",
            "status_display",
            "raised_by",
            "raised_by_username",
            "closed_at",
            "closure_note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ExternalFindingCreateSerializer(AimsSerializer):
    audit = AuditField()
    kind = serializers.ChoiceField(choices=ExternalFinding.Kind.choices)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField()
    clauses = serializers.ListField(
        child=ClauseField(),
        allow_empty=True,
        help_text='Codes such as "6.1.2" or "A.6.2.8", or catalogue ids; at least one.',
    )
    response_due = serializers.DateField(required=False, allow_null=True)
    owner = ActiveUserField(required=False, allow_null=True)


class ExternalFindingUpdateSerializer(AimsSerializer):
    kind = serializers.ChoiceField(choices=ExternalFinding.Kind.choices, required=False)
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False)
    clauses = serializers.ListField(child=ClauseField(), allow_empty=True, required=False)
    response_due = serializers.DateField(required=False, allow_null=True)
    owner = ActiveUserField(required=False, allow_null=True)


class FindingResponseReadSerializer(AimsModelSerializer):
    finding_reference = serializers.CharField(source="finding.reference", read_only=True)
    sent_by_username = serializers.CharField(source="sent_by.username", read_only=True)

    class Meta:
        model = FindingResponse
        fields = [
            "id",
            "finding",
            "finding_reference",
            "correction",
            "root_cause",
            "corrective_action_taken",
            "sent_on",
            "sent_by",
            "sent_by_username",
            "created_at",
        ]
        read_only_fields = fields


class FindingResponseWriteSerializer(AimsSerializer):
    correction = serializers.CharField(allow_blank=True)
    root_cause = serializers.CharField(allow_blank=True)
    corrective_action_taken = serializers.CharField(allow_blank=True)
    sent_on = serializers.DateField()
    evidence_url = serializers.URLField(required=False, allow_blank=True)
    evidence_title = serializers.CharField(required=False, allow_blank=True, max_length=200)


class FindingNoteSerializer(AimsSerializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)


# --- Views ----------------------------------------------------------------------------------


class ExternalFindingFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", label="Reference or words of the title")
    overdue = filters.BooleanFilter(method="filter_overdue", label="Past the deadline, no response")
    clause = filters.CharFilter(method="filter_clause", label="A clause code or id")

    class Meta:
        model = ExternalFinding
        fields = ["audit", "kind", "status", "owner"]

    def search(self, queryset, name, value):
        return selectors.search(queryset, value)

    def filter_overdue(self, queryset, name, value):
        q = ExternalFinding.overdue_q(timezone.localdate())
        return queryset.filter(q) if value else queryset.exclude(q)

    def filter_clause(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        if value.isdigit():
            return queryset.filter(Q(clauses=int(value)) | Q(clauses__code=value)).distinct()
        return queryset.filter(clauses__code__iexact=value).distinct()


@extend_schema_view(
    create=extend_schema(
        request=ExternalFindingCreateSerializer, responses={201: ExternalFindingReadSerializer}
    ),
    partial_update=extend_schema(
        request=ExternalFindingUpdateSerializer, responses={200: ExternalFindingReadSerializer}
    ),
)
class ExternalFindingViewSet(
    AIMSViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Findings of the certification body (EXF-). A nonconformity opens its corrective action
    on creation; POST respond/ records our response, close/ and reopen/ record the body's
    decision. Overdue (past the deadline, no response): ``?overdue=true``."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    read_serializer_class = ExternalFindingReadSerializer
    write_serializer_class = ExternalFindingCreateSerializer
    write_permissions = (services.ADD, services.CHANGE)
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = ExternalFindingFilter

    def get_permissions(self):
        if self.action == "respond":
            # The finding's owner answers their own finding: the service decides.
            return [IsAuthenticated()]
        return super().get_permissions()

    def selected(self):
        return selectors.finding_list(user=self.request.user)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ExternalFinding.objects.none()
        return self.selected()

    def get_object(self):
        return object_or_404(self.selected(), self.kwargs["pk"])

    def fresh(self, finding):
        return self.selected().get(pk=finding.pk)

    def create(self, request):
        data = self.validated_input()
        audit = data.pop("audit")
        finding = services.record_finding(audit=audit, actor=request.user, **data)
        return self.read_response(self.fresh(finding), status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        data = self.validated_input(ExternalFindingUpdateSerializer, partial=True)
        finding = self.get_object()
        finding = services.update_finding(finding=finding, actor=request.user, data=data)
        return self.read_response(self.fresh(finding))

    @extend_schema(
        request=FindingResponseWriteSerializer, responses={201: FindingResponseReadSerializer}
    )
    @action(detail=True, methods=["post"])
    def respond(self, request, pk=None):
        """Record the response sent to the body; the finding becomes "responded"."""
        data = self.validated_input(FindingResponseWriteSerializer)  # shape first: leaks nothing
        finding = self.get_object()
        response = services.send_response(finding=finding, actor=request.user, **data)
        return self.read_response(
            response, status.HTTP_201_CREATED, serializer_class=FindingResponseReadSerializer
        )

    @extend_schema(request=FindingNoteSerializer, responses=ExternalFindingReadSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """The body accepted: close (a nonconformity only once a response was sent; 409)."""
        finding = self.get_object()
        data = self.validated_input(FindingNoteSerializer)
        finding = services.close_finding(finding=finding, actor=request.user, **data)
        return self.read_response(self.fresh(finding))

    @extend_schema(request=FindingNoteSerializer, responses=ExternalFindingReadSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """The body did not accept the response: back to open, with a note (required)."""
        finding = self.get_object()
        data = self.validated_input(FindingNoteSerializer)
        finding = services.reopen_finding(
            finding=finding, actor=request.user, note=data.get("note", "")
        )
        return self.read_response(self.fresh(finding))

    @extend_schema(request=None, responses=FindingResponseReadSerializer(many=True))
    @action(detail=True, methods=["get"])
    def responses(self, request, pk=None):
        """The responses sent on this finding, newest first."""
        finding = self.get_object()
        rows = selectors.responses_of(user=request.user, finding=finding)
        return Response(FindingResponseReadSerializer(rows, many=True).data)
