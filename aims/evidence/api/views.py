"""REST API of the evidence library: /api/v1/evidence-library/.

Every piece of evidence the user may see (on any record type, not only the inventory's), one
piece with its versions, attaching a file or a link to any registered record, and replacing
it with a new version. Uploads over the size limit or of a refused type are a 400 with a
field error on ``file``, and nothing is stored. Thin: aims.evidence.selectors (reads) and
aims.evidence.services (writes)."""

import logging

from django.db.models import QuerySet
from django.http import FileResponse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.reverse import reverse

from aims.api.serializer_bases import AimsSerializer
from aims.api.views import AIMSViewSetMixin
from aims.evidence import services
from aims.evidence.api.serializers import EvidenceReadSerializer, EvidenceWriteSerializer
from aims.evidence.registry import attachable_labels, attachable_model
from aims.evidence.selectors import (
    VALIDITY_CHOICES,
    evidence_library_get,
    evidence_library_list,
    version_chain,
    visible_evidence,
)
from aims.models import Evidence
from aims.visibility import restrict

logger = logging.getLogger(__name__)


class EvidenceLibraryReadSerializer(EvidenceReadSerializer):
    """A piece of evidence with its place in the version chain."""

    replaces = serializers.PrimaryKeyRelatedField(
        read_only=True, help_text="The earlier version this one replaced, if any."
    )
    is_current = serializers.SerializerMethodField()

    class Meta(EvidenceReadSerializer.Meta):
        fields = [
            *EvidenceReadSerializer.Meta.fields,
            "version",
            "replaces",
            "superseded_at",
            "is_current",
        ]
        read_only_fields = fields

    def get_is_current(self, obj: Evidence) -> bool:
        return obj.superseded_at is None

    def get_download_url(self, obj: Evidence) -> str | None:
        if obj.kind != Evidence.Kind.FILE:
            return None
        return reverse(
            "api:evidence-library-download", args=[obj.pk], request=self.context.get("request")
        )


class EvidenceLibraryCreateSerializer(AimsSerializer):
    """Attach a file (multipart) or a link to a record, named by its type ("app_label.model",
    one of the record types that accept evidence) and id."""

    target_type = serializers.ChoiceField(choices=[])
    target_id = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    file = serializers.FileField(required=False, allow_empty_file=False)
    url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target_type"].choices = attachable_labels()


class EvidenceReplaceSerializer(AimsSerializer):
    """The new version: a file (multipart) or a link. Title and description default to the
    replaced version's."""

    file = serializers.FileField(required=False, allow_empty_file=False)
    url = serializers.URLField(required=False, allow_blank=True, max_length=500)
    title = serializers.CharField(required=False, allow_blank=True, max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, allow_null=True)
    valid_from = serializers.DateField(required=False, allow_null=True)
    valid_until = serializers.DateField(required=False, allow_null=True)


class EvidenceLibraryFilterSerializer(AimsSerializer):
    """Query parameters of the library list."""

    q = serializers.CharField(required=False, help_text="Reference (EVD-0001), title or text")
    target_type = serializers.CharField(required=False, help_text="app_label.model")
    target_id = serializers.IntegerField(required=False, min_value=1)
    kind = serializers.ChoiceField(choices=Evidence.Kind.choices, required=False)
    validity = serializers.ChoiceField(choices=VALIDITY_CHOICES, required=False)
    owner = serializers.IntegerField(required=False, min_value=1, help_text="Owner user id")
    all_versions = serializers.BooleanField(
        required=False, default=False, help_text="Include superseded versions."
    )


@extend_schema_view(
    list=extend_schema(parameters=[EvidenceLibraryFilterSerializer]),
    create=extend_schema(
        request=EvidenceLibraryCreateSerializer, responses={201: EvidenceLibraryReadSerializer}
    ),
)
class EvidenceLibraryViewSet(
    AIMSViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The evidence library: current versions by default (``all_versions=true`` for all)."""

    read_serializer_class = EvidenceLibraryReadSerializer
    write_serializer_class = EvidenceLibraryCreateSerializer
    write_permissions = ("aims.add_evidence",)
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    filter_backends = []  # query parameters are validated and passed to the selector

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Evidence.objects.none()
        return evidence_library_list(user=self.request.user)

    def get_object(self) -> Evidence:
        try:
            return evidence_library_get(user=self.request.user, pk=int(self.kwargs["pk"]))
        except Evidence.DoesNotExist:
            raise NotFound() from None

    def list(self, request):
        params = EvidenceLibraryFilterSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        evidence = evidence_library_list(user=request.user, filters=params.validated_data)
        page = self.paginate_queryset(evidence)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def create(self, request):
        data = self.validated_input()
        model = attachable_model(data.pop("target_type"))
        target_id = data.pop("target_id")
        target = (
            restrict(model._default_manager.all(), request.user).filter(pk=target_id).first()
            if model
            else None
        )
        if target is None:
            raise ValidationError({"target_id": ["No record of this type with this id."]})
        evidence = services.evidence_create(actor=request.user, target=target, **data)
        return self.read_response(evidence, status.HTTP_201_CREATED)

    @extend_schema(
        request=EvidenceReplaceSerializer, responses={201: EvidenceLibraryReadSerializer}
    )
    @action(detail=True, methods=["post"])
    def replace(self, request, pk=None):
        """Upload a new version; the replaced one is kept and marked superseded."""
        evidence = self.get_object()
        data = self.validated_input(EvidenceReplaceSerializer)
        new = services.evidence_replace(actor=request.user, evidence=evidence, **data)
        return self.read_response(new, status.HTTP_201_CREATED)

    @extend_schema(responses=EvidenceLibraryReadSerializer(many=True))
    @action(detail=True, methods=["get"])
    def versions(self, request, pk=None):
        """Every version of this evidence, oldest first."""
        chain = version_chain(self.get_object())
        context = self.get_serializer_context()
        return Response(EvidenceLibraryReadSerializer(chain, many=True, context=context).data)

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="No such evidence, or it is a link, not a file."),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The evidence file (any version), streamed after the permission check."""
        return evidence_file_response(self.get_object())


def evidence_file_response(evidence: Evidence) -> FileResponse:
    """Stream an evidence file the caller was allowed to see; a link or a file gone from
    storage is a 404 that says which."""
    if not evidence.file:
        raise NotFound("This evidence is a link, not a file: follow its url.")
    try:
        handle = evidence.file.open("rb")
    except OSError:
        logger.exception("Evidence %s: file missing from storage", evidence.reference)
        raise NotFound("The file of this evidence is missing from storage.") from None
    return FileResponse(handle, as_attachment=True, filename=evidence.original_filename or None)


class EvidenceFilter(filters.FilterSet):
    target_type = filters.CharFilter(method="filter_target_type", label="app_label.model")
    target_id = filters.NumberFilter()
    kind = filters.ChoiceFilter(choices=Evidence.Kind.choices)

    class Meta:
        model = Evidence
        fields = ["target_type", "target_id", "kind"]

    def filter_target_type(self, queryset, name, value):
        app_label, _, model = value.lower().partition(".")
        return queryset.filter(target_type__app_label=app_label, target_type__model=model)


class EvidenceViewSet(
    AIMSViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Evidence (every version) on the records a user may view, of every record type that
    takes evidence (aims.evidence registry). Visibility is the one evidence engine,
    aims.evidence.selectors.visible_evidence, the same the library pages and downloads use.
    """

    read_serializer_class = EvidenceReadSerializer
    write_serializer_class = EvidenceWriteSerializer
    write_permissions = ("aims.add_evidence",)
    parser_classes = [MultiPartParser, FormParser, JSONParser]
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = EvidenceFilter

    def get_queryset(self) -> QuerySet[Evidence]:
        if getattr(self, "swagger_fake_view", False):  # schema generation: no database
            return Evidence.objects.none()
        return visible_evidence(self.request.user)

    def get_serializer(self, *args, **kwargs):
        if self.get_serializer_class() is EvidenceWriteSerializer:
            kwargs["target_types"] = attachable_labels()
        return super().get_serializer(*args, **kwargs)

    # The request schema comes from get_serializer(), which knows the accepted target types.
    @extend_schema(responses={201: EvidenceReadSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        model = attachable_model(data.pop("target_type"))
        target = restrict(model._default_manager.all(), request.user).filter(
            pk=data.pop("target_id")
        )
        target = target.first()
        if target is None:
            raise ValidationError({"target_id": [f"No {model._meta.verbose_name} with this id."]})
        evidence = services.evidence_create(actor=request.user, target=target, **data)
        return self.read_response(evidence, status.HTTP_201_CREATED)

    @extend_schema(
        responses={
            (200, "application/octet-stream"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="No such evidence, or it is a link, not a file."),
        }
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The evidence file, streamed from storage after the permission check."""
        return evidence_file_response(self.get_object())
