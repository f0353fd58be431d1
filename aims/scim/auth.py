"""The bearer check django-scim2 runs before each of its views (its ``AUTH_CHECK_MIDDLEWARE``
hook): SCIM answers only an identity provider that presents the token of an active
:class:`~aims.scim.models.ScimClient`, never a browser session.

- ``AIMS_SCIM_ENABLED`` off (the default): every ``/scim/v2/`` URL answers 404, in SCIM's
  error format.
- No token, an unknown or a revoked one: 401 with ``WWW-Authenticate: Bearer``. A session
  cookie counts for nothing, so django-scim2's CSRF exemption only ever serves bearer calls.
"""

import hmac
import json

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.utils import timezone
from django_scim import constants
from django_scim.middleware import SCIMAuthCheckMiddleware

from aims.client_ip import client_ip

from .models import ScimClient, hash_token


def scim_error(status: int, detail: str, scim_type: str | None = None) -> HttpResponse:
    body = {"schemas": [constants.SchemaURI.ERROR], "detail": detail, "status": status}
    if scim_type:
        body["scimType"] = scim_type
    return HttpResponse(json.dumps(body), status=status, content_type=constants.SCIM_CONTENT_TYPE)


def authenticate(request) -> ScimClient | None:
    """The active client whose token the request bears (None: no valid token)."""
    scheme, _, token = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token or len(token) > 200:
        return None
    digest = hash_token(token)
    client = ScimClient.objects.filter(token_hash=digest, revoked_at__isnull=True).first()
    if client is None or not hmac.compare_digest(client.token_hash, digest):
        return None
    ScimClient.objects.filter(pk=client.pk).update(
        last_used_at=timezone.now(), last_used_ip=client_ip(request) or None
    )
    return client


class ScimBearerAuth(SCIMAuthCheckMiddleware):
    def process_request(self, request):
        if not getattr(settings, "AIMS_SCIM_ENABLED", False):
            return scim_error(404, "SCIM provisioning is not enabled on this server.")
        client = authenticate(request)
        if client is None:
            response = scim_error(401, "A valid SCIM bearer token is required.")
            response["WWW-Authenticate"] = 'Bearer realm="AIMS SCIM"'
            return response
        request.scim_client = client
        # SCIM acts as its client, never as whoever's session cookie came along.
        request.user = AnonymousUser()
        if self.should_log_request(request):
            self.log_request(request)
        return None
