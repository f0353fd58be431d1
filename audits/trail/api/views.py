"""Audit-trail API: verification, signed checkpoints, the public key, and adoptions of rows
written without a seal. Reading is for governance officers and auditors; signing a checkpoint
now and adopting rows are for governance officers."""

from drf_spectacular.utils import extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aims.api.permissions import WritePermission
from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer
from aims.api.views import AUTHENTICATION_CLASSES, AIMSViewSetMixin, write_schema
from audits.models import TrailAdoption, TrailCheckpoint

from .. import signing
from ..chain import SIGN_CHECKPOINT, adopt_unsealed, can_read_trail
from ..checkpoints import create_checkpoint
from ..verify import verify_chain


class CanReadTrail(IsAuthenticated):
    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and can_read_trail(request.user)


class AuditTrailVerifyView(APIView):
    """Recompute the whole chain, compare it with the signed checkpoints, and list every
    problem found (the first ``problems_listed`` of ``problem_count``)."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [CanReadTrail]

    @extend_schema(
        responses=inline_serializer(
            "AuditTrailVerification",
            {
                "ok": serializers.BooleanField(),
                "checked": serializers.IntegerField(help_text="Links verified."),
                "rows": serializers.IntegerField(help_text="History rows in all tables."),
                "unsealed": serializers.IntegerField(),
                "head": serializers.DictField(help_text="length and hash of the last link"),
                "checkpoints": serializers.DictField(),
                "problem_count": serializers.IntegerField(),
                "problems": serializers.ListField(child=serializers.DictField()),
                "problems_listed": serializers.IntegerField(),
                "first_broken": serializers.DictField(allow_null=True),
            },
        )
    )
    def get(self, request):
        return Response(verify_chain().as_dict())


class PublicKeyView(APIView):
    """The Ed25519 public key that signs checkpoints and pack manifests, and its fingerprint."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [CanReadTrail]

    @extend_schema(
        responses=inline_serializer(
            "AuditTrailPublicKey",
            {
                "algorithm": serializers.CharField(),
                "key_id": serializers.CharField(help_text="SHA-256 of the raw public key"),
                "public_key": serializers.CharField(help_text="PEM"),
            },
        )
    )
    def get(self, request):
        return Response(
            {
                "algorithm": "Ed25519",
                "key_id": signing.key_id(),
                "public_key": signing.public_key_pem(),
            }
        )


class TrailCheckpointSerializer(AimsModelSerializer):
    class Meta:
        model = TrailCheckpoint
        fields = [
            "sequence", "position", "chain_hash", "signed_at", "occasion", "key_id", "signature",
        ]  # fmt: skip
        read_only_fields = fields


@extend_schema_view(create=extend_schema(request=None, responses={201: TrailCheckpointSerializer}))
class TrailCheckpointViewSet(
    AIMSViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Signed checkpoints, newest first; POST signs the chain's head now (officers)."""

    permission_classes = [CanReadTrail, WritePermission]
    read_serializer_class = TrailCheckpointSerializer
    write_permissions = (SIGN_CHECKPOINT,)
    lookup_field = "sequence"

    def get_queryset(self):
        return TrailCheckpoint.objects.order_by("-sequence")

    def create(self, request):
        checkpoint = create_checkpoint(TrailCheckpoint.Occasion.MANUAL)
        return self.read_response(checkpoint, status.HTTP_201_CREATED)


class AdoptionReadSerializer(AimsModelSerializer):
    adopted_by = serializers.CharField(source="adopted_by.username", read_only=True)

    class Meta:
        model = TrailAdoption
        fields = ["id", "adopted_by", "reason", "rows", "created_at"]
        read_only_fields = fields


class AdoptionWriteSerializer(AimsSerializer):
    reason = serializers.CharField(
        max_length=2000, help_text="Why the unsealed rows are genuine (where they came from)."
    )


@extend_schema_view(**write_schema(AdoptionWriteSerializer, AdoptionReadSerializer,
                                   actions=("create",)))  # fmt: skip
class TrailAdoptionViewSet(
    AIMSViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Adoptions of history rows written without a seal; POST adopts every unsealed row on
    the officer's word (refused for rows dated before the chain's head)."""

    permission_classes = [CanReadTrail, WritePermission]
    read_serializer_class = AdoptionReadSerializer
    write_serializer_class = AdoptionWriteSerializer
    write_permissions = ("audits.adopt_history",)

    def get_queryset(self):
        return TrailAdoption.objects.select_related("adopted_by").order_by("-id")

    def create(self, request):
        adoption = adopt_unsealed(actor=request.user, **self.validated_input())
        return self.read_response(adoption, status.HTTP_201_CREATED)
