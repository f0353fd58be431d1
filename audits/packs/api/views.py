from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound

from aims.api.views import AIMSViewSetMixin, write_schema
from audits.models import EvidencePack

from .. import selectors, services
from .serializers import EvidencePackReadSerializer, EvidencePackWriteSerializer


@extend_schema_view(**write_schema(EvidencePackWriteSerializer, EvidencePackReadSerializer,
                                   actions=("create",)))  # fmt: skip
class EvidencePackViewSet(
    AIMSViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Evidence packs: request one (201, queued), follow its status, retry a failed one and
    download its PDF or ZIP when ready."""

    read_serializer_class = EvidencePackReadSerializer
    write_serializer_class = EvidencePackWriteSerializer
    write_permissions = ("audits.request_evidencepack",)
    filterset_fields = ["status", "scope"]
    ordering_fields = ["created_at", "id"]

    def get_queryset(self):
        return selectors.evidence_pack_list(user=self.request.user)

    def create(self, request):
        pack = services.evidence_pack_request(actor=request.user, **self.validated_input())
        pack.refresh_from_db()
        return self.read_response(pack, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={202: EvidencePackReadSerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        pack = services.evidence_pack_retry(actor=request.user, pack=self.get_object())
        pack.refresh_from_db()
        return self.read_response(pack, status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"], url_path="download-pdf")
    def download_pdf(self, request, pk=None):
        return self._download(self.get_object(), "pdf")

    @extend_schema(responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY)})
    @action(detail=True, methods=["get"], url_path="download-zip")
    def download_zip(self, request, pk=None):
        return self._download(self.get_object(), "zip")

    def _download(self, pack: EvidencePack, kind: str):
        field = pack.pdf if kind == "pdf" else pack.zip
        if pack.status != EvidencePack.Status.READY or not field:
            raise NotFound(services.not_ready_message(pack))
        return FileResponse(field.open("rb"), as_attachment=True,
                            filename=f"{pack.reference}.{kind}")  # fmt: skip
