"""REST API of corrective actions (CAPA): list, read, status actions and the independent
verification. Opening one happens on its source (POST /incidents/{id}/corrective-actions/),
which knows the source's rules. Registered by aims/api/urls.py as "corrective-actions"."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer
from aims.api.views import AIMSViewSetMixin
from aims.capa import selectors as capa_selectors
from aims.capa import services as capa_services
from aims.models import CorrectiveAction


class CorrectiveActionReadSerializer(AimsModelSerializer):
    reference = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    owner_username = serializers.CharField(source="owner.username", read_only=True)
    source = serializers.SerializerMethodField()

    class Meta:
        model = CorrectiveAction
        fields = [
            "id",
            "reference",
            "title",
            "nonconformity",
            "root_cause",
            "action_plan",
            "owner",
            "owner_username",
            "due_date",
            "status",
            "status_display",
            "source",
            "implemented_at",
            "verified_by",
            "verified_at",
            "verification_notes",
            "closed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_source(self, obj) -> dict:
        label = f"{obj.source_type.app_label}.{obj.source_type.model}"
        return {"type": label, "id": obj.source_id}


class CorrectiveActionCreateSerializer(AimsModelSerializer):
    """Input of a new corrective action on a source (the source comes from the URL)."""

    class Meta:
        model = CorrectiveAction
        fields = ["title", "nonconformity", "root_cause", "action_plan", "owner", "due_date"]
        extra_kwargs = {"owner": {"required": False}}


class CapaTransitionSerializer(AimsSerializer):
    action = serializers.ChoiceField(choices=list(capa_services.TRANSITIONS))


class CapaVerifySerializer(AimsSerializer):
    effective = serializers.BooleanField()
    notes = serializers.CharField(max_length=5000)
    evidence_file = serializers.FileField(required=False)
    evidence_url = serializers.URLField(required=False, allow_blank=True, max_length=500)


class CorrectiveActionFilter(filters.FilterSet):
    class Meta:
        model = CorrectiveAction
        fields = ["status", "owner"]


class CorrectiveActionViewSet(
    AIMSViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Corrective actions the user may see; moved on by POST transition/ and verify/."""

    read_serializer_class = CorrectiveActionReadSerializer
    write_permissions = ("aims.change_correctiveaction", "aims.verify_correctiveaction")
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = CorrectiveActionFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self) -> QuerySet[CorrectiveAction]:
        if getattr(self, "swagger_fake_view", False):
            return CorrectiveAction.objects.none()
        return capa_selectors.capa_list(user=self.request.user)

    def get_object(self) -> CorrectiveAction:
        try:
            return capa_selectors.capa_get(user=self.request.user, pk=int(self.kwargs["pk"]))
        except CorrectiveAction.DoesNotExist:
            raise NotFound() from None

    @extend_schema(request=CapaTransitionSerializer, responses=CorrectiveActionReadSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        capa = self.get_object()
        data = self.validated_input(CapaTransitionSerializer)
        capa = capa_services.capa_transition(actor=request.user, capa=capa, **data)
        return self.read_response(capa)

    @extend_schema(request=CapaVerifySerializer, responses=CorrectiveActionReadSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """Record the effectiveness check (not by the owner; evidence needed if effective)."""
        capa = self.get_object()
        data = self.validated_input(CapaVerifySerializer)
        try:
            capa = capa_services.capa_verify(actor=request.user, capa=capa, **data)
        except DjangoValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            renamed = {"file": "evidence_file", "url": "evidence_url"}
            raise DjangoValidationError(
                {renamed.get(k, k): v for k, v in exc.message_dict.items()}
            ) from exc
        return self.read_response(capa)
