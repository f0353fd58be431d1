"""API of the shared primitives (token, the acting user, notifications, evidence) and the base
classes every app's API builds on.

Thin views: input is shaped by a serializer, writes go to a service, reads to a restricted
queryset; an object outside the user's reach is a 404.
"""

import logging

from django.db.models import QuerySet
from django.http import FileResponse
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from aims import services
from aims.evidence.registry import attachable_labels, attachable_model
from aims.evidence.selectors import visible_evidence
from aims.models import Evidence
from aims.permissions import has_global_perm
from aims.reminders.api.serializers import UnreadCountSerializer
from aims.roles import role_names
from aims.visibility import restrict

from .permissions import WritePermission
from .serializers import (
    EvidenceReadSerializer,
    EvidenceWriteSerializer,
    MarkedSerializer,
    MeSerializer,
    NotificationMarkReadSerializer,
    NotificationReadSerializer,
    TokenSerializer,
)

logger = logging.getLogger(__name__)

# Token first: an anonymous API call answers 401 with "WWW-Authenticate: Token".
AUTHENTICATION_CLASSES = [TokenAuthentication, SessionAuthentication]
WRITE_ACTIONS = ("create", "update", "partial_update")


def write_schema(write, read, actions=WRITE_ACTIONS) -> dict:
    """extend_schema_view kwargs for actions that take ``write`` and answer ``read``."""
    created = {"create": status.HTTP_201_CREATED}
    return {
        name: extend_schema(request=write, responses={created.get(name, 200): read})
        for name in actions
    }


class AIMSViewSetMixin:
    """Base of every AIMS viewset.

    ``read_serializer_class`` shapes output, ``write_serializer_class`` shapes the input of
    create/update; the viewset hands the validated data to a service. ``write_permissions``
    is the coarse gate of :class:`WritePermission`.
    """

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated, WritePermission]
    lookup_value_regex = "[0-9]+"
    write_permissions: tuple[str, ...] = ()
    read_serializer_class = None
    write_serializer_class = None

    def get_serializer_class(self):
        if self.action in WRITE_ACTIONS and self.write_serializer_class is not None:
            return self.write_serializer_class
        return self.read_serializer_class

    def validated_input(self, serializer_class=None, *, instance=None, partial=False) -> dict:
        serializer_class = serializer_class or self.get_serializer_class()
        serializer = serializer_class(
            instance, data=self.request.data, partial=partial, context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def read_response(
        self, instance, status_code: int = status.HTTP_200_OK, *, serializer_class=None
    ) -> Response:
        serializer_class = serializer_class or self.read_serializer_class
        serializer = serializer_class(instance, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)


# --- Authentication and the acting user ----------------------------------------------------


@extend_schema(request=AuthTokenSerializer, responses={200: TokenSerializer}, auth=[])
class TokenView(ObtainAuthToken):
    """Exchange a username and password for the user's API token."""

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "token"


# Capability flags for clients that adapt their UI; permission strings are data, not imports.
CAPABILITIES = {
    "submit_intake": "inventory.add_aisystem",
    "triage": "inventory.triage_aisystem",
    "decide_gates": "inventory.decide_gate",
    "configure_gates": "inventory.change_gatesetting",
    "add_evidence": "aims.add_evidence",
}


class MeView(APIView):
    """Who the API sees: username, roles and what they may do."""

    authentication_classes = AUTHENTICATION_CLASSES

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        capabilities = {name: has_global_perm(user, perm) for name, perm in CAPABILITIES.items()}
        # Requesting an evidence pack reads the AIMS; it changes none of its records.
        capabilities["read_only"] = not any(
            not perm.split(".", 1)[1].startswith(("view_", "request_evidencepack"))
            for perm in user.get_all_permissions()
        )
        data = {
            "id": user.pk,
            "username": user.get_username(),
            "full_name": user.get_full_name(),
            "email": user.email,
            "roles": role_names(user),
            "capabilities": capabilities,
            "unread_notifications": user.notifications.filter(read_at__isnull=True).count(),
        }
        return Response(MeSerializer(data).data)


# --- Notifications -------------------------------------------------------------------------


class NotificationFilter(filters.FilterSet):
    unread = filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="Unread")


class NotificationViewSet(
    AIMSViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The acting user's own notifications."""

    read_serializer_class = NotificationReadSerializer
    filter_backends = [filters.DjangoFilterBackend]
    filterset_class = NotificationFilter

    def get_queryset(self) -> QuerySet:
        user = self.request.user
        if not user.is_authenticated:  # schema generation
            return self.read_serializer_class.Meta.model.objects.none()
        return user.notifications.all()

    @extend_schema(request=NotificationMarkReadSerializer, responses=MarkedSerializer)
    @action(detail=False, methods=["post"], url_path="mark-read")
    def mark_read(self, request):
        data = self.validated_input(NotificationMarkReadSerializer)
        marked = services.notification_mark_read(
            user=request.user, notification_ids=data.get("ids")
        )
        return Response({"marked": marked})

    @extend_schema(responses=UnreadCountSerializer)
    @action(detail=False, methods=["get"], url_path="unread-count")
    def unread_count(self, request):
        """How many of the acting user's notifications are unread (for the bell)."""
        return Response({"unread": self.get_queryset().filter(read_at__isnull=True).count()})


# --- Evidence ------------------------------------------------------------------------------


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
    aims.evidence_selectors.visible_evidence, the same the library pages and downloads use.
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
