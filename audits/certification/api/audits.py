"""REST API of certification bodies, external audits and certificates. Thin: reads through
audits.certification.selectors (a record the user may not view is a 404), writes through
audits.certification.services. Status and outcome change only through their actions
(start/, complete/, cancel/, suspend/, reinstate/, withdraw/); a refused action is a 409 with
the reason, bad input a 400 with field errors."""

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer
from aims.api.view_helpers import object_or_404
from aims.api.views import AIMSViewSetMixin
from inventory.api.serializers import display
from inventory.models import AISystem

from .. import selectors, services
from ..models import Certificate, CertificationBody, ExternalAudit

NO_PUT_OR_DELETE = ["get", "post", "patch", "head", "options"]

# --- Serializers ----------------------------------------------------------------------------


class CertificationBodySerializer(AimsModelSerializer):
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = CertificationBody
        fields = [
            "id",
            "reference",
            "name",
            "accreditation",
            "country",
            "contact_name",
            "contact_email",
            "website",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "reference", "created_at", "updated_at"]

    def validate_name(self, value):  # the uniqueness rule speaks our words
        qs = CertificationBody.objects.filter(name__iexact=value.strip())
        if self.instance is not None:
            qs = qs.exclude(pk=self.instance.pk)
        if qs.exists():
            raise serializers.ValidationError(f"A certification body named {value} exists.")
        return value


@extend_schema_field(OpenApiTypes.INT)
class SystemField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return AISystem.objects.all()


class ExternalAuditReadSerializer(AimsModelSerializer):
    reference = serializers.CharField(read_only=True)
    kind_display = display("kind")
    status_display = display("status")
    outcome_display = display("outcome")
    body_name = serializers.CharField(source="body.name", read_only=True)
    sampled_systems = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = ExternalAudit
        fields = [
            "id",
            "reference",
            "kind",
            "kind_display",
            "body",
            "body_name",
            "certificate",
            "title",
            "start_date",
            "end_date",
            "scope",
            "lead_auditor",
            "sampled_systems",
            "sampled_records",
            "period_start",
            "period_end",
            "status",
            "status_display",
            "outcome",
            "outcome_display",
            "outcome_notes",
            "completed_at",
            "warnings",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_warnings(self, audit) -> list[str]:
        warning = services.stage2_warning(audit)
        return [warning] if warning else []


class ExternalAuditWriteSerializer(AimsModelSerializer):
    """Plan or edit an external audit. A surveillance or recertification audit names its
    certificate; the end date is not before the start date."""

    sampled_systems = SystemField(many=True, required=False)

    class Meta:
        model = ExternalAudit
        fields = [
            "kind",
            "body",
            "certificate",
            "title",
            "start_date",
            "end_date",
            "scope",
            "lead_auditor",
            "sampled_systems",
            "sampled_records",
            "period_start",
            "period_end",
        ]


class CompleteSerializer(AimsSerializer):
    outcome = serializers.ChoiceField(choices=ExternalAudit.Outcome.choices)
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class CancelSerializer(AimsSerializer):
    notes = serializers.CharField(help_text="Why the audit is cancelled.")


class DatedCheckSerializer(AimsSerializer):
    label = serializers.CharField()
    last = serializers.DateField(allow_null=True)
    warning = serializers.CharField()


class GapSummarySerializer(AimsSerializer):
    kind = serializers.CharField()
    severity = serializers.CharField()
    record = serializers.CharField()
    message = serializers.CharField()
    action = serializers.CharField()
    url = serializers.CharField()


class AuditReadinessSerializer(AimsSerializer):
    audit = serializers.IntegerField(source="audit.pk")
    as_of = serializers.DateField()
    ready = serializers.BooleanField()
    warnings = serializers.ListField(child=serializers.CharField())
    gap_count = serializers.IntegerField()
    top_gaps = GapSummarySerializer(many=True)
    open_external_findings = serializers.IntegerField()
    overdue_external_findings = serializers.IntegerField()
    open_internal_findings = serializers.IntegerField()
    last_internal_audit = DatedCheckSerializer()
    last_management_review = DatedCheckSerializer()


class CertificateReadSerializer(AimsModelSerializer):
    reference = serializers.CharField(read_only=True)
    status_display = display("status")
    body_name = serializers.CharField(source="body.name", read_only=True)

    class Meta:
        model = Certificate
        fields = [
            "id",
            "reference",
            "number",
            "body",
            "body_name",
            "scope",
            "issued_on",
            "expires_on",
            "issuing_audit",
            "status",
            "status_display",
            "show_publicly",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class CertificateWriteSerializer(AimsModelSerializer):
    """Record a certificate from a completed stage 2 or recertification audit; its cycle of
    surveillance and recertification audits is planned at once."""

    issuing_audit = serializers.PrimaryKeyRelatedField(
        queryset=ExternalAudit.objects.all(),
        help_text="The completed stage 2 or recertification audit that recommended it.",
    )

    class Meta:
        model = Certificate
        fields = [
            "number",
            "body",
            "scope",
            "issued_on",
            "expires_on",
            "issuing_audit",
            "show_publicly",
        ]
        extra_kwargs = {"number": {"validators": []}}  # the service says it, in its words


class CertificateTransitionSerializer(AimsSerializer):
    reason = serializers.CharField(help_text="The body's decision and its date.")


# --- Viewsets -------------------------------------------------------------------------------


class ReadWriteViewSet(
    AIMSViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
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


@extend_schema_view(
    create=extend_schema(
        request=CertificationBodySerializer, responses={201: CertificationBodySerializer}
    ),
    partial_update=extend_schema(
        request=CertificationBodySerializer, responses={200: CertificationBodySerializer}
    ),
)
class CertificationBodyViewSet(ReadWriteViewSet):
    """Certification bodies (CB-): list, read, create, edit; never deleted."""

    model = CertificationBody
    read_serializer_class = CertificationBodySerializer
    write_serializer_class = CertificationBodySerializer
    write_permissions = ("audits.add_certificationbody", "audits.change_certificationbody")

    def selected(self):
        return selectors.body_list(user=self.request.user)

    def create(self, request):
        data = self.validated_input()
        body = services.body_save(actor=request.user, body=CertificationBody(), data=data)
        return self.read_response(self.fresh(body), status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        body = CertificationBody.objects.get(pk=self.get_object().pk)
        data = self.validated_input(instance=body, partial=True)
        body = services.body_save(actor=request.user, body=body, data=data)
        return self.read_response(self.fresh(body))


class ExternalAuditFilter(filters.FilterSet):
    q = filters.CharFilter(method="search", label="Reference or words of the title or scope")
    year = filters.NumberFilter(field_name="start_date", lookup_expr="year")

    class Meta:
        model = ExternalAudit
        fields = ["kind", "status", "body", "certificate"]

    def search(self, queryset, name, value):
        return selectors._search(queryset, ExternalAudit.REFERENCE_PREFIX, value, "title", "scope")


@extend_schema_view(
    create=extend_schema(
        request=ExternalAuditWriteSerializer, responses={201: ExternalAuditReadSerializer}
    ),
    partial_update=extend_schema(
        request=ExternalAuditWriteSerializer, responses={200: ExternalAuditReadSerializer}
    ),
)
class ExternalAuditViewSet(ReadWriteViewSet):
    """External audits (EXA-). Planned by POST, edited by PATCH while planned or in progress,
    moved on by POST start/, complete/ (with the outcome) and cancel/ (with the reason);
    GET readiness/ is the readiness check ahead of the audit."""

    model = ExternalAudit
    read_serializer_class = ExternalAuditReadSerializer
    write_serializer_class = ExternalAuditWriteSerializer
    write_permissions = ("audits.add_externalaudit", "audits.change_externalaudit")
    filterset_class = ExternalAuditFilter

    def selected(self):
        return selectors.audit_list(user=self.request.user).prefetch_related("sampled_systems")

    def create(self, request):
        data = self.validated_input()
        audit = services.audit_save(actor=request.user, audit=ExternalAudit(), data=data)
        return self.read_response(self.fresh(audit), status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        audit = ExternalAudit.objects.get(pk=self.get_object().pk)
        data = self.validated_input(instance=audit, partial=True)
        audit = services.audit_save(actor=request.user, audit=audit, data=data)
        return self.read_response(self.fresh(audit))

    def _transition(self, request, name: str, **kwargs):
        audit = self.get_object()
        audit = services.audit_transition(actor=request.user, audit=audit, action=name, **kwargs)
        return self.read_response(self.fresh(audit))

    @extend_schema(request=None, responses=ExternalAuditReadSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        """Planned -> in progress (409 otherwise)."""
        return self._transition(request, "start")

    @extend_schema(request=CompleteSerializer, responses=ExternalAuditReadSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """In progress -> completed, with the outcome the kind allows and notes."""
        self.get_object()
        data = self.validated_input(CompleteSerializer)
        return self._transition(request, "complete", **data)

    @extend_schema(request=CancelSerializer, responses=ExternalAuditReadSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Planned or in progress -> cancelled, with the reason."""
        self.get_object()
        data = self.validated_input(CancelSerializer)
        return self._transition(request, "cancel", **data)

    @extend_schema(request=None, responses=AuditReadinessSerializer)
    @action(detail=True, methods=["get"])
    def readiness(self, request, pk=None):
        """The readiness check ahead of the audit: gaps, open findings, and the dates of the
        last internal audit and management review (warned when missing or over 12 months)."""
        audit = self.get_object()
        check = selectors.audit_readiness(audit, user=request.user)
        return Response(AuditReadinessSerializer(check).data)


class CertificateFilter(filters.FilterSet):
    class Meta:
        model = Certificate
        fields = ["status", "body"]


@extend_schema_view(
    create=extend_schema(
        request=CertificateWriteSerializer, responses={201: CertificateReadSerializer}
    ),
)
class CertificateViewSet(ReadWriteViewSet):
    """Certificates (CERT-). Recorded by POST (which plans the cycle and, after a
    recertification, supersedes the renewed certificate); suspended, reinstated or withdrawn
    by POST suspend/, reinstate/, withdraw/ with a reason."""

    model = Certificate
    read_serializer_class = CertificateReadSerializer
    write_serializer_class = CertificateWriteSerializer
    write_permissions = ("audits.add_certificate", "audits.change_certificate")
    filterset_class = CertificateFilter
    http_method_names = ["get", "post", "head", "options"]

    def selected(self):
        return selectors.certificate_list(user=self.request.user)

    def create(self, request):
        data = self.validated_input()
        certificate = services.certificate_record(actor=request.user, data=data)
        return self.read_response(self.fresh(certificate), status.HTTP_201_CREATED)

    def _transition(self, request, name: str):
        certificate = self.get_object()
        data = self.validated_input(CertificateTransitionSerializer)
        certificate = services.certificate_transition(
            actor=request.user, certificate=certificate, action=name, **data
        )
        return self.read_response(self.fresh(certificate))

    @extend_schema(request=CertificateTransitionSerializer, responses=CertificateReadSerializer)
    @action(detail=True, methods=["post"])
    def suspend(self, request, pk=None):
        """Active -> suspended (409 otherwise)."""
        return self._transition(request, "suspend")

    @extend_schema(request=CertificateTransitionSerializer, responses=CertificateReadSerializer)
    @action(detail=True, methods=["post"])
    def reinstate(self, request, pk=None):
        """Suspended -> active (409 otherwise)."""
        return self._transition(request, "reinstate")

    @extend_schema(request=CertificateTransitionSerializer, responses=CertificateReadSerializer)
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        """Active or suspended -> withdrawn; the audits still planned for it are cancelled."""
        return self._transition(request, "withdraw")
