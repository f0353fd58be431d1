"""REST API of imports: /api/v1/imports/ (upload: the answer is the preview), a job's
status and refused rows, its commit, and the template files. Thin: aims.imports services."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from aims.api.view_helpers import object_or_404
from aims.api.views import AIMSViewSetMixin

from .. import selectors, services
from ..kinds import get_kind
from ..models import ImportJob
from ..templates import template_response
from .serializers import (
    ImportJobCreateSerializer,
    ImportJobReadSerializer,
    ImportTemplateQuerySerializer,
)


@extend_schema_view(
    create=extend_schema(
        request={"multipart/form-data": ImportJobCreateSerializer},
        responses={201: ImportJobReadSerializer},
        description="Upload a file: the job is kept with the file's SHA-256 and previewed at "
        "once (nothing else written). The answer carries the counts to create, update and "
        "leave unchanged and the refused rows; status 'failed' with a message when the whole "
        "file is refused.",
    ),
    commit=extend_schema(request=None, responses={200: ImportJobReadSerializer}),
    template=extend_schema(
        parameters=[ImportTemplateQuerySerializer],
        responses={200: OpenApiResponse(OpenApiTypes.BINARY, description="CSV or XLSX file")},
    ),
)
class ImportJobViewSet(
    AIMSViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Imports from spreadsheets. Upload (POST, multipart: kind and file) previews; commit
    writes every row through the same services as the forms, all or nothing."""

    read_serializer_class = ImportJobReadSerializer
    write_serializer_class = ImportJobCreateSerializer
    write_permissions = ("aims.add_importjob",)
    # JSON is read too, so a JSON body (which cannot carry the file) answers a field error.
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ImportJob.objects.none()
        return selectors.import_list(user=self.request.user)

    def get_object(self) -> ImportJob:
        return object_or_404(self.get_queryset(), self.kwargs["pk"])

    def create(self, request):
        data = self.validated_input()
        job = services.import_upload(actor=request.user, kind=data["kind"], uploaded=data["file"])
        return self.read_response(job, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None):
        """Commit a previewed import with no refused rows (only its uploader). A row refused
        now (the data changed since the preview) fails the job and writes nothing."""
        job = services.import_commit(actor=request.user, job=self.get_object())
        return self.read_response(job)

    @action(detail=False, methods=["get"])
    def template(self, request):
        """The template file of a kind: the export's columns and an example row."""
        query = ImportTemplateQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        kind = get_kind(query.validated_data["kind"])
        return template_response(kind, query.validated_data["file_format"])
