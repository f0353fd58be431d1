"""API of auditor accesses: /api/v1/auditor-accesses/ (list, grant, retrieve, revoke, extend)
and /api/v1/auditor-accesses/pack/ (make the evidence pack of an external audit's stage)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound

from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer
from aims.api.views import AIMSViewSetMixin, write_schema
from audits.packs.api.serializers import EvidencePackReadSerializer
from audits.packs.services import evidence_pack_for_audit

from .. import access, access_selectors
from ..models import AuditorAccess, ExternalAudit


class AuditorAccessReadSerializer(AimsModelSerializer):
    audit_reference = serializers.CharField(source="audit.reference", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = AuditorAccess
        fields = [
            "id", "audit", "audit_reference", "user", "username", "valid_from", "valid_until",
            "is_current", "granted_by", "revoked_at", "revoked_by", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_is_current(self, obj) -> bool:
        return obj.is_current()


class AuditorAccessGrantSerializer(AimsSerializer):
    audit = serializers.PrimaryKeyRelatedField(queryset=ExternalAudit.objects.none())
    username = serializers.CharField(max_length=150)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    first_name = serializers.CharField(required=False, allow_blank=True, default="")
    last_name = serializers.CharField(required=False, allow_blank=True, default="")
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["audit"].queryset = ExternalAudit.objects.restrict(request.user, "view")


class AuditorAccessGrantedSerializer(AuditorAccessReadSerializer):
    set_password_path = serializers.CharField(read_only=True)

    class Meta(AuditorAccessReadSerializer.Meta):
        fields = [*AuditorAccessReadSerializer.Meta.fields, "set_password_path"]
        read_only_fields = fields


class ExtendSerializer(AimsSerializer):
    valid_until = serializers.DateField()


class RevokeSerializer(AimsSerializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class AuditPackSerializer(AimsSerializer):
    audit = serializers.PrimaryKeyRelatedField(queryset=ExternalAudit.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["audit"].queryset = ExternalAudit.objects.restrict(request.user, "view")


@extend_schema_view(
    **write_schema(AuditorAccessGrantSerializer, AuditorAccessGrantedSerializer, ("create",))
)
class AuditorAccessViewSet(
    AIMSViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Time-boxed, read-only accounts of the certification body's auditors. Granting answers
    the set-password link once (``set_password_path``); revoke and extend are actions."""

    read_serializer_class = AuditorAccessReadSerializer
    write_serializer_class = AuditorAccessGrantSerializer
    write_permissions = (access.MANAGE_PERM,)
    filterset_fields = ["audit", "user"]
    ordering_fields = ["valid_until", "valid_from", "id"]

    def get_queryset(self):
        return access_selectors.access_list(user=self.request.user)

    def get_object(self):
        try:
            return access_selectors.access_get(user=self.request.user, pk=int(self.kwargs["pk"]))
        except AuditorAccess.DoesNotExist:
            raise NotFound from None

    def create(self, request):
        grant = access.grant_access(actor=request.user, **self.validated_input())
        grant.access.set_password_path = grant.set_password_path
        return self.read_response(
            grant.access, status.HTTP_201_CREATED, serializer_class=AuditorAccessGrantedSerializer
        )

    @extend_schema(request=RevokeSerializer, responses={200: AuditorAccessReadSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        data = self.validated_input(RevokeSerializer)
        done = access.revoke_access(access=self.get_object(), actor=request.user, **data)
        return self.read_response(done)

    @extend_schema(request=ExtendSerializer, responses={200: AuditorAccessReadSerializer})
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        data = self.validated_input(ExtendSerializer)
        done = access.extend_access(access=self.get_object(), actor=request.user, **data)
        return self.read_response(done)

    @extend_schema(request=AuditPackSerializer, responses={202: EvidencePackReadSerializer})
    @action(detail=False, methods=["post"])
    def pack(self, request):
        """Make the evidence pack of an external audit's stage (stage 1: documented
        information and readiness; later stages: operating records of the audit's period)."""
        data = self.validated_input(AuditPackSerializer)
        pack = evidence_pack_for_audit(actor=request.user, audit=data["audit"])
        pack.refresh_from_db()
        return self.read_response(
            pack, status.HTTP_202_ACCEPTED, serializer_class=EvidencePackReadSerializer
        )
