"""API of the shared primitives (the token, the acting user) and the base classes every app's
API builds on (notifications and evidence have their API in aims.notifications.api and
aims.evidence.api).

Thin views: input is shaped by a serializer, writes go to a service, reads to a restricted
queryset; an object outside the user's reach is a 404.
"""

import logging

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from aims.accounts.services import token_issue_for_signin
from aims.api.serializers import MeSerializer, TokenSerializer
from aims.client_ip import client_ip
from aims.errors import Code, RuleForbidden
from aims.permissions import has_global_perm
from aims.roles import role_names
from aims.signin import RefusingSessionAuthentication as SessionAuthentication
from aims.signin import RefusingTokenAuthentication as TokenAuthentication
from aims.signin import password_refusal
from aims.signins.api.serializers import TokenRequestSerializer
from aims.signins.throttling import ClientAddressScopedRateThrottle

from .permissions import WritePermission
from .versions import ViewSetVersionMixin

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


def readable_names(serializer_class) -> frozenset[str]:
    """The fields a record shows when read (declared, or listed in ``Meta.fields``)."""
    if serializer_class is None:
        return frozenset()
    names = set(getattr(serializer_class, "_declared_fields", {}))
    listed = getattr(getattr(serializer_class, "Meta", None), "fields", ())
    if not isinstance(listed, str):
        names.update(listed)
    return frozenset(names)


def refuse_unwritable(serializer, data, readable: frozenset[str] = frozenset()) -> None:
    """A write that names a field it cannot set is refused (400, naming each such field)
    instead of answering 200 and ignoring it: a client that sends ``lifecycle_stage`` or
    ``risk_tier`` must learn that those change only through their own actions."""
    if not hasattr(data, "keys"):
        return
    fields = serializer.fields
    errors = {}
    for key in data:
        field = fields.get(key)
        if field is not None and not field.read_only:
            continue
        if field is not None or key in readable:  # shown on the record, not set by this write
            errors[key] = ["This field is read-only: it changes only through its own action."]
        else:
            errors[key] = ["Unknown field: it cannot be set here."]
    if errors:
        raise ValidationError(errors)


class AIMSViewSetMixin(ViewSetVersionMixin):
    """Base of every AIMS viewset.

    ``read_serializer_class`` shapes output, ``write_serializer_class`` shapes the input of
    create/update; the viewset hands the validated data to a service. ``write_permissions``
    is the coarse gate of :class:`WritePermission`.

    No lost updates (aims.api.versions), for every viewset at once: the first record
    ``get_object`` returns in a request is *the* record. A detail GET and a PUT/PATCH answer
    its version as ``ETag``; a PUT/PATCH/DELETE that carries ``If-Match`` (or
    ``record_version`` in its body) runs in one transaction that locks the row and compares
    the version before the handler's service writes: a record changed since answers 412
    ``stale_version`` with what changed. A write without either is not checked (clients
    written before versions). ``get_object`` of a subclass is wrapped when the class is made,
    so no viewset can skip it.
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
        data = self.body_without_version(self.request.data)
        serializer = serializer_class(
            instance, data=data, partial=partial, context=self.get_serializer_context()
        )
        refuse_unwritable(serializer, data, readable_names(self.read_serializer_class))
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def read_response(
        self, instance, status_code: int = status.HTTP_200_OK, *, serializer_class=None
    ) -> Response:
        serializer_class = serializer_class or self.read_serializer_class
        serializer = serializer_class(instance, context=self.get_serializer_context())
        return Response(serializer.data, status=status_code)

    def get_object(self):
        return super().get_object()


# --- Authentication and the acting user ----------------------------------------------------


@extend_schema(request=AuthTokenSerializer, responses={200: TokenSerializer}, auth=[])
class TokenView(APIView):
    """Exchange a username and password for an API token: a personal token with every scope
    and the default expiry, named "Signed in through the API". Each call issues a new one;
    only the newest ``AIMS_TOKEN_SIGNIN_KEEP`` of a user stay active (aims.accounts)."""

    authentication_classes = []
    permission_classes = [AllowAny]
    # The lockout and the sign-in audit around authenticate() (aims.signins), and a throttle
    # per real client address in the shared cache.
    serializer_class = TokenRequestSerializer
    throttle_classes = [ClientAddressScopedRateThrottle]
    throttle_scope = "token"
    parser_classes = (FormParser, MultiPartParser, JSONParser)
    renderer_classes = (JSONRenderer,)

    def post(self, request, *args, **kwargs):
        # SSO-only mode: a password is no way in for this username (403, code sso_only);
        # tokens issued before keep working.
        username = request.data.get("username") if hasattr(request.data, "get") else None
        reason = password_refusal(username if isinstance(username, str) else None)
        if reason:
            raise RuleForbidden(reason, code=Code.SSO_ONLY)
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        _token, secret = token_issue_for_signin(user=user, ip=client_ip(request))
        return Response({"token": secret})


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
