"""A system's bill of materials over the API: GET exports it as CycloneDX 1.6 JSON, POST
imports one (the BOM as the body, or as the ``file`` of a multipart upload; ``?dry_run=true``
answers the plan without writing). Registered in inventory/api/urls.py."""

import json

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.parsers import BaseParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aims.api.permissions import WritePermission
from aims.api.serializer_bases import AimsSerializer
from aims.api.views import AUTHENTICATION_CLASSES
from inventory import selectors
from inventory.models import AISystem

from . import services
from .cyclonedx import MAX_BYTES, MEDIA_TYPE, bom_document, load_document, refuse


class RawBomParser(BaseParser):
    """The body as bytes (at most one byte past the limit), read and checked by
    cyclonedx.load_document, so a bad file is refused in the BOM's own words."""

    media_type = MEDIA_TYPE

    def parse(self, stream, media_type=None, parser_context=None) -> bytes:
        return stream.read(MAX_BYTES + 1) if stream is not None else b""


class RawJsonParser(RawBomParser):
    media_type = "application/json"


class BomChangeSerializer(AimsSerializer):
    field = serializers.CharField()
    old = serializers.CharField(help_text="The value recorded now.")
    new = serializers.CharField(help_text="The value the BOM states.")


class BomItemSerializer(AimsSerializer):
    bom_ref = serializers.CharField(help_text="The component's bom-ref in the BOM.")
    name = serializers.CharField()
    record = serializers.CharField(help_text="component or dataset")
    reference = serializers.CharField(help_text="The matched record; empty when it is new.")
    action = serializers.ChoiceField(choices=["add", "update", "unchanged", "proposed"])
    change_control = serializers.BooleanField(
        help_text="The change opens a change request instead of being saved in place."
    )
    changes = BomChangeSerializer(many=True)


class BomImportResultSerializer(AimsSerializer):
    dry_run = serializers.BooleanField()
    system = serializers.CharField()
    added = serializers.ListField(child=serializers.CharField())
    updated = serializers.ListField(child=serializers.CharField())
    unchanged = serializers.IntegerField()
    change_requests = serializers.ListField(child=serializers.CharField())
    notices = serializers.ListField(child=serializers.CharField())
    warnings = serializers.ListField(child=serializers.CharField())
    untouched = serializers.ListField(
        child=serializers.CharField(), help_text="Records of the system the BOM does not list."
    )
    items = BomItemSerializer(many=True)


def plan_body(plan: services.BomPlan, result: services.BomResult | None) -> dict:
    items = [
        {
            "bom_ref": item.entry.bom_ref,
            "name": item.entry.name,
            "record": item.entry.model._meta.model_name,
            "reference": item.reference,
            "action": item.action,
            "change_control": item.controlled,
            "changes": [
                {"field": label, "old": old, "new": new} for label, old, new in item.change_rows()
            ],
        }
        for item in plan.items
    ]
    return {
        "dry_run": result is None,
        "system": plan.system.reference,
        "added": result.created if result else [],
        "updated": result.updated if result else [],
        "unchanged": plan.count("unchanged"),
        "change_requests": result.change_requests if result else [],
        "notices": result.notices if result else [],
        "warnings": plan.warnings,
        "untouched": [f"{r.reference} {r.name}" for r in plan.untouched],
        "items": items,
    }


def uploaded_bytes(request) -> bytes:
    """The BOM of a request: its body, or the ``file`` of a multipart upload."""
    if isinstance(request.data, bytes):
        return request.data
    upload = request.FILES.get("file")
    if upload is None:
        raise refuse("Send the BOM as the request body, or as the multipart field 'file'.")
    if upload.size > MAX_BYTES:
        raise refuse(f"The file is {upload.size:,} bytes; a BOM may be at most {MAX_BYTES:,}.")
    return upload.read()


class SystemBomView(APIView):
    """The AI bill of materials of one system (CycloneDX 1.6 ML-BOM)."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated, WritePermission]
    write_permissions = ("inventory.change_component",)
    parser_classes = [RawBomParser, RawJsonParser, MultiPartParser]

    def system(self, request, pk: int) -> AISystem:
        try:
            return selectors.system_get(user=request.user, pk=int(pk))
        except AISystem.DoesNotExist:
            raise NotFound() from None

    @extend_schema(
        operation_id="systems_bom_retrieve",
        responses={
            (200, MEDIA_TYPE): OpenApiResponse(
                OpenApiTypes.OBJECT,
                description="The system's components and datasets as a CycloneDX 1.6 "
                "ML-BOM, validated against the CycloneDX schema.",
            )
        },
    )
    def get(self, request, pk: int):
        system = self.system(request, pk)
        body = json.dumps(bom_document(system), indent=2)
        response = HttpResponse(body, content_type=MEDIA_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{system.reference}-bom.json"'
        return response

    @extend_schema(
        operation_id="systems_bom_import",
        request={
            MEDIA_TYPE: OpenApiTypes.OBJECT,
            "application/json": OpenApiTypes.OBJECT,
            "multipart/form-data": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
            },
        },
        parameters=[
            OpenApiParameter(
                "dry_run", OpenApiTypes.BOOL, description="Answer the plan; write nothing."
            )
        ],
        responses={200: BomImportResultSerializer},
    )
    def post(self, request, pk: int):
        system = self.system(request, pk)
        document = load_document(uploaded_bytes(request))
        if request.query_params.get("dry_run", "").lower() in ("1", "true", "yes"):
            plan = services.bom_plan(actor=request.user, system=system, document=document)
            return Response(plan_body(plan, None))
        result = services.bom_import(actor=request.user, system=system, document=document)
        return Response(plan_body(result.plan, result))
