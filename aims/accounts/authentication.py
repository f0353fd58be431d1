"""``Authorization: Token <secret>`` against the hashed, scoped, expiring API tokens.

A subclass of DRF's TokenAuthentication only so that the API schema describes it as the token
scheme it is; DRF's token model is not used. Besides finding the token it:

- refuses a revoked or expired token, or one whose user is deactivated (401, with the reason);
- refuses a request outside the token's scopes (403 ``token_scope``): the view's area
  (aims.accounts.scopes) must be granted, with write for any unsafe method. The user's roles
  still decide afterwards: a scope never widens them;
- records when and from where the token was last used (at most once a minute).
"""

from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.permissions import SAFE_METHODS

from aims.client_ip import client_ip

from . import scopes
from .models import ApiToken, hash_secret


class ApiTokenAuthentication(TokenAuthentication):
    keyword = "Token"

    def authenticate(self, request):
        auth = get_authorization_header(request).split()
        if not auth or auth[0].lower() != self.keyword.lower().encode():
            return None
        if len(auth) != 2:
            raise exceptions.AuthenticationFailed(
                "Invalid token header: give 'Token' and the secret, separated by one space."
            )
        try:
            secret = auth[1].decode()
        except UnicodeError as error:
            raise exceptions.AuthenticationFailed("Invalid token header.") from error
        return self.authenticate_token(request, secret)

    def authenticate_token(self, request, secret: str):
        from .services import record_use

        token = ApiToken.objects.select_related("user").filter(key_hash=hash_secret(secret)).first()
        if token is None:
            raise exceptions.AuthenticationFailed("Invalid token.")
        now = timezone.now()
        status = token.status_at(now)
        if status == ApiToken.Status.REVOKED:
            raise exceptions.AuthenticationFailed(
                f"This token was revoked on {timezone.localtime(token.revoked_at):%Y-%m-%d %H:%M}"
                f" ({token.revoked_reason or 'no reason given'}).",
                code="token_revoked",
            )
        if status == ApiToken.Status.EXPIRED:
            raise exceptions.AuthenticationFailed(
                f"This token expired on {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}.",
                code="token_expired",
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(
                "This token's account is deactivated.", code="account_inactive"
            )
        self.check_scope(request, token)
        record_use(token, client_ip(request), now)
        return token.user, token

    @staticmethod
    def check_scope(request, token: ApiToken) -> None:
        view = (getattr(request, "parser_context", None) or {}).get("view")
        if view is None:
            return
        area = scopes.area_of_view(view)
        write = request.method not in SAFE_METHODS
        if not scopes.allows(token.scopes, area, write=write):
            needed = f"{'write' if write else 'read'} on {scopes.AREAS.get(area, area)}"
            raise exceptions.PermissionDenied(
                f"This token's scopes do not cover this request (it needs {needed}).",
                code="token_scope",
            )
