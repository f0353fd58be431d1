from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aims.api.views import AUTHENTICATION_CLASSES
from aims.permissions import has_global_perm

from ..audit_trail import verify_chain


class CanVerifyTrail(IsAuthenticated):
    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and has_global_perm(
            request.user, "audits.view_chainlink"
        )


class AuditTrailVerifyView(APIView):
    """Recompute the audit trail's hash chain and name the first broken record, if any."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [CanVerifyTrail]

    @extend_schema(
        responses=inline_serializer(
            "AuditTrailVerification",
            {
                "ok": serializers.BooleanField(),
                "checked": serializers.IntegerField(),
                "unsealed": serializers.IntegerField(),
                "first_broken": serializers.DictField(allow_null=True),
            },
        )
    )
    def get(self, request):
        return Response(verify_chain().as_dict())
