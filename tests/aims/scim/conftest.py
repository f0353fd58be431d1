"""A SCIM client as an identity provider is: Django's test client sending SCIM JSON
(``application/scim+json``) with a SCIM client's bearer token."""

import json

import pytest
from django.test import Client

from aims.scim import services

SCIM = "application/scim+json"
BASE = "/scim/v2"
PATCH_OP = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"
ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error"


def api_token(user) -> str:
    """A new API token of the user (aims.accounts), its secret for ``Authorization: Token``."""
    from tests.factories import make_token

    return make_token(user)


class ScimCaller:
    def __init__(self, token: str | None, client: Client | None = None):
        self.client = client or Client()
        self.token = token

    def call(self, method: str, path: str, body=None, raw: str | None = None, **extra):
        headers = dict(extra)
        if self.token is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.token}"
        data = raw if raw is not None else (json.dumps(body) if body is not None else "")
        response = getattr(self.client, method)(
            BASE + path, data=data, content_type=SCIM, **headers
        )
        response.doc = json.loads(response.content) if response.content else None
        return response

    def get(self, path, **extra):
        return self.client.get(
            BASE + path,
            **({"HTTP_AUTHORIZATION": f"Bearer {self.token}"} if self.token else {}),
            **extra,
        )

    def list(self, path, **params):
        response = self.client.get(BASE + path, params, HTTP_AUTHORIZATION=f"Bearer {self.token}")
        response.doc = json.loads(response.content)
        return response

    def post(self, path, body=None, **kw):
        return self.call("post", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.call("put", path, body, **kw)

    def patch(self, path, operations, **kw):
        return self.call("patch", path, {"schemas": [PATCH_OP], "Operations": operations}, **kw)

    def delete(self, path, **kw):
        return self.call("delete", path, **kw)


@pytest.fixture
def scim_enabled(settings):
    settings.AIMS_SCIM_ENABLED = True
    settings.AIMS_SCIM_GROUP_ROLES = ""
    return settings


@pytest.fixture
def scim_client_and_token(db):
    return services.client_create(name="Entra ID")


@pytest.fixture
def scim(scim_enabled, scim_client_and_token) -> ScimCaller:
    return ScimCaller(scim_client_and_token[1])


def user_body(username="alice@example.org", **fields):
    body = {
        "schemas": [USER_SCHEMA],
        "userName": username,
        "externalId": fields.pop("externalId", "ext-" + username),
        "name": {"givenName": "Alice", "familyName": "Liddell"},
        "emails": [
            {
                "value": username if "@" in username else f"{username}@example.org",
                "type": "work",
                "primary": True,
            }
        ],
        "active": True,
    }
    body.update(fields)
    return body


def group_body(name, members=()):
    return {
        "schemas": [GROUP_SCHEMA],
        "displayName": name,
        "members": [{"value": str(pk)} for pk in members],
    }
