"""REST API of the first run: where it stands, and the gap assessment (read by officers,
approvers and auditors; written by officers through audits.onboarding.services)."""

from drf_spectacular.utils import extend_schema
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aims.api.permissions import RoleReadPermission, WritePermission
from aims.api.views import AUTHENTICATION_CLASSES

from .. import selectors, services
from .serializers import (
    FirstRunSerializer,
    GapBatchResultSerializer,
    GapBatchSerializer,
    GapListSerializer,
)


class FirstRunView(APIView):
    """The steps of the first run and their status (done, in progress, to do)."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated, RoleReadPermission]
    read_permission = "audits.view_firstrun"

    @extend_schema(responses=FirstRunSerializer)
    def get(self, request):
        record = services.first_run_current()
        steps = selectors.first_run_progress(record)
        body = {
            "needed": selectors.first_run_needed(),
            "done": all(s.status == selectors.DONE for s in steps),
            "completed_at": record.completed_at if record else None,
            "steps": [s.__dict__ for s in steps],
        }
        return Response(FirstRunSerializer(body).data)


class GapAssessmentView(APIView):
    """Every clause requirement and Annex A control with its assessment; POST a batch of
    answers ``{"answers": [{code, status, owner, evidence_note}]}`` (status: implemented,
    partly or not). An unknown code or status is a 400 with field errors; nothing is saved."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated, RoleReadPermission, WritePermission]
    read_permission = "audits.view_firstrun"
    write_permissions = (services.WRITE_PERM,)

    @extend_schema(responses=GapListSerializer)
    def get(self, request):
        record = services.first_run_current()
        assessed_codes = set(record.assessed) if record else set()
        items = []
        for section in selectors.gap_sections(record):
            for s in section.statements:
                assessed = s.item.code in assessed_codes
                items.append(
                    {
                        "code": s.item.code,
                        "title": s.item.title,
                        "kind": s.item.kind,
                        "section": section.code,
                        "assessed": assessed,
                        "gap_status": services.gap_status_of(s.implementation_status)
                        if assessed
                        else None,
                        "implementation_status": s.implementation_status,
                        "owner": s.owner_id,
                        "evidence_note": s.implementation_notes,
                        "statement": s.pk,
                    }
                )
        assessed, total = selectors.gap_counts(record)
        return Response(
            GapListSerializer({"assessed": assessed, "total": total, "items": items}).data
        )

    @extend_schema(request=GapBatchSerializer, responses=GapBatchResultSerializer)
    def post(self, request):
        serializer = GapBatchSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answers = [
            services.GapAnswer(
                code=a["code"],
                status=a["status"],
                owner=a.get("owner"),
                evidence_note=a.get("evidence_note"),
            )
            for a in serializer.validated_data["answers"]
        ]
        saved = services.gap_assess(actor=request.user, answers=answers)
        assessed, total = selectors.gap_counts()
        return Response(
            GapBatchResultSerializer({"saved": saved, "assessed": assessed, "total": total}).data
        )
