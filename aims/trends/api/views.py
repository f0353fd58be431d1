"""GET /api/v1/trends/?days=90: the key figures over time, organisation-wide. Thin: the
predicate and selectors of aims.trends decide who sees what."""

from datetime import timedelta

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import PermissionDenied
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aims.api.views import AUTHENTICATION_CLASSES
from aims.trends.registry import charts
from aims.trends.selectors import snapshots
from aims.trends.services import snapshot_take_refusal, take_snapshot, trends_refusal

from .serializers import (
    SnapshotSerializer,
    SnapshotTakeSerializer,
    TrendQuerySerializer,
    TrendsSerializer,
)


class TrendsView(APIView):
    """The daily snapshots of the last ``days`` days as one series per figure, grouped as the
    dashboard's charts. Officers, approvers and auditors only: the figures count every
    record of the organisation."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[
            OpenApiParameter("days", int, description="Days back from today (1-366, default 90).")
        ],
        responses=TrendsSerializer,
    )
    def get(self, request):
        refusal = trends_refusal(request.user)
        if refusal is not None:
            raise PermissionDenied(detail=refusal.message, code=refusal.code)
        query = TrendQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        days = query.validated_data["days"]
        end = timezone.localdate()
        found = snapshots(days=days, today=end)
        payload = {
            "days": days,
            "start": end - timedelta(days=days - 1),
            "end": end,
            "snapshots": [{"date": s.day, "origin": s.origin} for s in found],
            "charts": [
                {
                    "key": chart.key,
                    "title": chart.title,
                    "unit": chart.unit,
                    "summary": _summary(chart, found, end, days),
                    "series": [
                        {
                            "key": s.key,
                            "label": s.label,
                            "points": [
                                {"date": snap.day, "value": snap.figures.get(s.key)}
                                for snap in found
                            ],
                        }
                        for s in chart.series
                    ],
                }
                for chart in charts()
            ],
        }
        return Response(TrendsSerializer(payload).data)


def _summary(chart, found, end, days) -> str:
    from aims.trends.charts import build

    return build(chart, found, today=end, days=days).summary


class SnapshotTakeView(APIView):
    """POST /api/v1/trends/snapshot/: a governance officer takes today's snapshot now (after
    a correction, say) instead of waiting for the daily task; the same day keeps one row."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated]

    @extend_schema(request=SnapshotTakeSerializer, responses={201: SnapshotSerializer})
    def post(self, request):
        refusal = snapshot_take_refusal(request.user)
        if refusal is not None:
            raise PermissionDenied(detail=refusal.message, code=refusal.code)
        data = SnapshotTakeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        snapshot = take_snapshot(actor=request.user)
        return Response(SnapshotSerializer(snapshot).data, status=201)
