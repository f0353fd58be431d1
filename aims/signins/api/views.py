"""API of the sign-in audit: GET /api/v1/sign-in-events/ (governance officers and
administrators), and the lockout refusal of the token endpoint."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, viewsets
from rest_framework.permissions import BasePermission, IsAuthenticated

from aims.api.views import AUTHENTICATION_CLASSES
from aims.signins.forms import SignInEventFilterForm
from aims.signins.models import SignInEvent
from aims.signins.selectors import may_read_sign_ins, sign_in_event_list

from .serializers import LockedOut, SignInEventReadSerializer  # noqa: F401


class ReadsSignIns(BasePermission):
    def has_permission(self, request, view) -> bool:
        return may_read_sign_ins(request.user)


FILTERS = [
    OpenApiParameter("q", str, description="Username, address or browser contains."),
    OpenApiParameter("user", str, description="Attempts on this username."),
    OpenApiParameter("kind", str, enum=[k.value for k in SignInEvent.Kind]),
    OpenApiParameter("channel", str, enum=[c.value for c in SignInEvent.Channel]),
    OpenApiParameter("date_from", OpenApiTypes.DATE),
    OpenApiParameter("date_to", OpenApiTypes.DATE),
]


@extend_schema_view(list=extend_schema(parameters=FILTERS))
class SignInEventViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Sign-ins, failures, lockouts and sign-outs, newest first. Filters: ``q``, ``user``
    (username), ``kind``, ``channel``, ``date_from``, ``date_to`` (YYYY-MM-DD)."""

    authentication_classes = AUTHENTICATION_CLASSES
    permission_classes = [IsAuthenticated, ReadsSignIns]
    serializer_class = SignInEventReadSerializer
    filter_backends = []

    def get_queryset(self):
        form = SignInEventFilterForm(self.request.query_params)
        if not form.is_valid():
            raise exceptions.ValidationError(
                {
                    "non_field_errors" if name == "__all__" else name: [str(e) for e in errors]
                    for name, errors in form.errors.items()
                }
            )
        return sign_in_event_list(user=self.request.user, filters=form.cleaned_data)
