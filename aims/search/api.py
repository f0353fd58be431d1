"""REST API of the global search: GET /api/v1/search/?q= (registered by aims/api/urls.py as
"search"). The same selector as the page: only what the user may see."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from aims.api.serializer_bases import AimsSerializer
from aims.api.views import AUTHENTICATION_CLASSES

from .selectors import MAX_QUERY_LENGTH, global_search


class HitSerializer(AimsSerializer):
    reference = serializers.CharField()
    title = serializers.CharField()
    context = serializers.CharField()
    url = serializers.CharField(help_text="The record's page in the browser.")


class GroupSerializer(AimsSerializer):
    type = serializers.CharField(source="key", help_text="e.g. inventory.aisystem")
    label = serializers.CharField()
    hits = HitSerializer(many=True)
    more = serializers.BooleanField(help_text="More matches than shown: see register_url.")
    register_url = serializers.CharField()


class SearchResultsSerializer(AimsSerializer):
    query = serializers.CharField()
    total = serializers.IntegerField()
    exact = HitSerializer(allow_null=True, help_text="The record the reference names, if any.")
    groups = GroupSerializer(many=True)


class SearchQuerySerializer(AimsSerializer):
    q = serializers.CharField(max_length=MAX_QUERY_LENGTH, allow_blank=True, required=False)


class SearchAPIView(APIView):
    """Every record the user may see whose reference or title matches ``q``, by type."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated]

    @extend_schema(
        parameters=[OpenApiParameter("q", str, description="A reference or words of a title")],
        responses={200: SearchResultsSerializer},
    )
    def get(self, request):
        params = SearchQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        results = global_search(user=request.user, query=params.validated_data.get("q", ""))
        return Response(SearchResultsSerializer(results).data)
