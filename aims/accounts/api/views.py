"""REST API of tokens (/api/v1/tokens/) and service accounts (/api/v1/service-accounts/).
Thin: aims.accounts.selectors and services."""

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from aims.accounts import scopes as scope_rules
from aims.accounts import selectors, services
from aims.accounts.models import ApiToken, ServiceAccount
from aims.api.view_helpers import object_or_404
from aims.api.views import AIMSViewSetMixin, write_schema
from aims.client_ip import client_ip

from .serializers import (
    ServiceAccountReadSerializer,
    ServiceAccountWriteSerializer,
    TokenCreatedSerializer,
    TokenFilterSerializer,
    TokenReadSerializer,
    TokenWriteSerializer,
)


def acting_token(request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


@extend_schema_view(
    list=extend_schema(parameters=[TokenFilterSerializer]),
    create=extend_schema(request=TokenWriteSerializer, responses={201: TokenCreatedSerializer}),
    destroy=extend_schema(
        responses={204: OpenApiResponse(description="Revoked (the record is kept).")}
    ),
)
class TokenViewSet(
    AIMSViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Your API tokens: list, create (the secret is in the answer, once), revoke with DELETE
    (the token stays listed as revoked). Officers may list anyone's with ``?user=`` and
    revoke any, and create tokens for service accounts (``user``)."""

    read_serializer_class = TokenReadSerializer
    write_serializer_class = TokenWriteSerializer
    filter_backends = []

    def get_queryset(self) -> QuerySet[ApiToken]:
        if self.action == "list":
            filters = TokenFilterSerializer(data=self.request.query_params)
            filters.is_valid(raise_exception=True)
            return selectors.token_list(
                user=self.request.user, owner_id=filters.validated_data.get("user")
            )
        return selectors.visible_tokens(user=self.request.user)

    def get_object(self):
        return object_or_404(self.get_queryset(), self.kwargs["pk"])

    def create(self, request):
        data = self.validated_input()
        expires_at = data.get("expires_at", ...)
        token, secret = services.token_create(
            actor=request.user,
            user=data.get("user") or request.user,
            name=data["name"],
            scopes=data.get("scopes") or scope_rules.full_scopes(),
            expires_at=services.default_expiry() if expires_at is ... else expires_at,
            ip=client_ip(request),
            acting_token=acting_token(request),
        )
        token = selectors.visible_tokens(user=request.user).get(pk=token.pk)
        token.secret = secret
        return self.read_response(
            token, status.HTTP_201_CREATED, serializer_class=TokenCreatedSerializer
        )

    def destroy(self, request, pk=None):
        services.token_revoke(actor=request.user, token=self.get_object(), ip=client_ip(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


class IsAccountOfficer(BasePermission):
    message = "Only governance officers manage service accounts."

    def has_permission(self, request, view) -> bool:
        return services.is_account_officer(request.user)


@extend_schema_view(
    **write_schema(
        ServiceAccountWriteSerializer,
        ServiceAccountReadSerializer,
        actions=("create", "partial_update"),
    ),
)
class ServiceAccountViewSet(
    AIMSViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Service accounts of integrations (officers): a user without a password, with roles,
    whose tokens are made through /api/v1/tokens/ with ``user``. Deactivate with
    ``is_active: false`` (its tokens are revoked); never deleted."""

    permission_classes = [IsAuthenticated, IsAccountOfficer]
    read_serializer_class = ServiceAccountReadSerializer
    write_serializer_class = ServiceAccountWriteSerializer
    filter_backends = []

    def get_queryset(self) -> QuerySet[ServiceAccount]:
        return selectors.service_account_list(user=self.request.user)

    def get_object(self):
        return object_or_404(self.get_queryset(), self.kwargs["pk"])

    def create(self, request):
        data = self.validated_input()
        account = services.service_account_create(
            actor=request.user,
            name=data["name"],
            description=data.get("description", ""),
            owner=data["owner"],
            roles=data.get("roles", []),
            is_active=data.get("is_active", True),
        )
        return self.read_response(self.get_queryset().get(pk=account.pk), status.HTTP_201_CREATED)

    def partial_update(self, request, pk=None):
        account = self.get_object()
        data = self.validated_input(instance=account, partial=True)
        services.service_account_update(
            actor=request.user,
            account=account,
            name=data.get("name", account.name),
            description=data.get("description", account.description),
            owner=data.get("owner", account.owner),
            roles=data.get("roles", [g.name for g in account.user.groups.all()]),
            is_active=data.get("is_active", account.user.is_active),
        )
        return self.read_response(self.get_queryset().get(pk=account.pk))
