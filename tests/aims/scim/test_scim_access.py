"""/scim/v2/ answers only the bearer token of an active SCIM client: off unless enabled, 401 in
SCIM's error format otherwise, whatever session comes along (these routes are outside the role
matrix: tests/matrix/world.py EXCLUDED_PREFIXES)."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from aims.roles import OFFICER
from aims.scim import services
from aims.scim.models import ScimClient, ScimEvent

from ...factories import user_with_role
from .conftest import ERROR_SCHEMA, ScimCaller, user_body

pytestmark = pytest.mark.django_db
User = get_user_model()
PATHS = ["/ServiceProviderConfig", "/Users", "/Groups", "/ResourceTypes", "/Schemas", "/"]


def assert_scim_error(response, status):
    assert response.status_code == status
    assert response["Content-Type"] == "application/scim+json"
    assert response.doc["schemas"] == [ERROR_SCHEMA]
    assert response.doc["status"] == status
    assert response.doc["detail"]


@pytest.mark.parametrize("path", PATHS)
def test_off_unless_enabled_even_with_a_valid_token(settings, scim_client_and_token, path):
    settings.AIMS_SCIM_ENABLED = False
    response = ScimCaller(scim_client_and_token[1]).call("get", path)
    assert_scim_error(response, 404)


@pytest.mark.parametrize("path", PATHS)
def test_no_token_is_401(scim_enabled, scim_client_and_token, path):
    response = ScimCaller(None).call("get", path)
    assert_scim_error(response, 401)
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    [
        "Bearer scim_wrong",
        "Bearer ",
        "Basic dXNlcjpwYXNz",
        "Token {token}",  # the right secret under another scheme
        "Bearer {token}x",
    ],
)
def test_wrong_token_is_401_and_writes_nothing(scim_enabled, scim_client_and_token, header):
    token = scim_client_and_token[1]
    client = Client()
    response = client.post(
        "/scim/v2/Users",
        data=__import__("json").dumps(user_body("mallory")),
        content_type="application/scim+json",
        HTTP_AUTHORIZATION=header.format(token=token),
    )
    assert response.status_code == 401
    assert not User.objects.filter(username="mallory").exists()
    assert not ScimEvent.objects.exclude(operation="client_create").exists()


def test_revoked_client_is_401_at_once(scim_enabled, scim_client_and_token):
    client, token = scim_client_and_token
    caller = ScimCaller(token)
    assert caller.call("get", "/Users").status_code == 200
    services.client_revoke(client=client)
    assert_scim_error(caller.call("get", "/Users"), 401)


def test_officer_session_without_token_is_401_and_csrf_exemption_serves_nobody(
    scim_enabled, scim_client_and_token
):
    officer = user_with_role(OFFICER, username="officer_scim")
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(officer)
    caller = ScimCaller(None, client=browser)
    assert_scim_error(caller.call("get", "/Users"), 401)
    response = caller.post("/Users", user_body("sneaky"))
    assert_scim_error(response, 401)
    assert not User.objects.filter(username="sneaky").exists()


def test_session_of_an_officer_alongside_a_token_does_not_act_as_the_officer(
    scim, scim_client_and_token
):
    """The client, not the session's user, is who acts: the log names the client."""
    officer = user_with_role(OFFICER, username="officer_scim2")
    scim.client.force_login(officer)
    assert scim.post("/Users", user_body("bob")).status_code == 201
    event = ScimEvent.objects.get(operation="user_create")
    assert event.client == scim_client_and_token[0]
    assert event.actor is None


def test_token_is_stored_hashed_and_its_use_recorded(scim, scim_client_and_token):
    client, token = scim_client_and_token
    stored = ScimClient.objects.get(pk=client.pk)
    assert token not in (stored.token_hash, stored.token_hint)
    assert stored.last_used_at is None
    scim.call("get", "/ServiceProviderConfig")
    stored.refresh_from_db()
    assert stored.last_used_at is not None
    assert stored.last_used_ip == "127.0.0.1"


def test_management_command_creates_a_working_token(scim_enabled, capsys):
    from django.core.management import call_command

    call_command("scim_client", "create", "Okta")
    token = capsys.readouterr().out.strip()
    assert token.startswith("scim_")
    assert ScimCaller(token).call("get", "/Users").status_code == 200
    call_command("scim_client", "revoke", "Okta")
    assert ScimCaller(token).call("get", "/Users").status_code == 401
