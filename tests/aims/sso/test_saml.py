"""SAML 2.0 sign-in against a test identity provider (tests/aims/sso/saml_idp.py): the
service's real AuthnRequest is answered with a Response signed by the IdP's key and posted to
the service's ACS, as the IdP's page would."""

import pytest
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model
from django.urls import reverse

from aims.roles import APPROVER, OFFICER, OWNER
from aims.sso import config
from aims.sso.services import role_names_of
from tests.factories import user_with_role

from . import saml_idp

User = get_user_model()
HOST = "aims.example.test"
ROLE_MAP = "groups:aims-committee=Approver;groups:aims-officers=Governance officer"


@pytest.fixture(scope="module")
def idp_keys():
    return saml_idp.make_keypair()


@pytest.fixture
def saml(settings, idp_keys, client, db):
    # Browsers send Host (python3-saml reads it); python3-saml wants a dotted host name.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, HOST]
    client.defaults["HTTP_HOST"] = HOST
    settings.SOCIALACCOUNT_PROVIDERS = config.providers(
        {
            "AIMS_SAML_IDP_ENTITY_ID": saml_idp.ENTITY_ID,
            "AIMS_SAML_IDP_SSO_URL": saml_idp.SSO_URL,
            "AIMS_SAML_IDP_X509CERT": idp_keys.cert_body,
            "AIMS_SAML_NAME": "Example IdP",
        }
    )
    settings.AIMS_SSO_ROLE_MAP = ROLE_MAP
    return settings


def start(client) -> saml_idp.AuthnRequest:
    """Press "Sign in with Example IdP" on the sign-in page; the IdP receives the request."""
    page = client.get(reverse("login"))
    assert b"Sign in with Example IdP" in page.content
    login_url = reverse("saml_login", args=["sso"])
    assert f'action="{login_url}'.encode() in page.content
    redirect = client.post(login_url)
    assert redirect.status_code == 302
    request = saml_idp.read_authn_request(redirect["Location"])
    assert request.acs_url == f"http://{HOST}" + reverse("saml_acs", args=["sso"])
    return request


def post_to_acs(client, request, response_b64):
    return client.post(
        request.acs_url.removeprefix(f"http://{HOST}"),
        {"SAMLResponse": response_b64, "RelayState": request.relay_state or ""},
        follow=True,
    )


DANA = {
    "uid": ["dana-7"],
    "email": ["dana@example.org"],
    "givenName": ["Dana"],
    "sn": ["Kowalski"],
    "groups": ["aims-committee", "everyone"],
}


def test_first_saml_sign_in_creates_the_account_with_the_mapped_role(client, saml, idp_keys):
    request = start(client)
    answer = post_to_acs(
        client,
        request,
        saml_idp.signed_response(request, idp_keys, name_id="dana@example.org", attributes=DANA),
    )
    assert answer.redirect_chain[-1][0] == reverse("aims:dashboard")
    dana = User.objects.get(email="dana@example.org")
    assert (dana.username, dana.first_name, dana.last_name) == ("dana", "Dana", "Kowalski")
    assert not dana.has_usable_password()
    assert role_names_of(dana) == {APPROVER}
    assert SocialAccount.objects.get(user=dana).provider == "saml"
    me = client.get("/api/v1/me/").json()
    assert me["username"] == "dana" and me["roles"] == [APPROVER]


def test_a_response_signed_with_another_key_is_refused(client, saml):
    request = start(client)
    forged = saml_idp.signed_response(
        request, saml_idp.make_keypair("attacker"), name_id="dana@example.org", attributes=DANA
    )
    answer = post_to_acs(client, request, forged)
    assert b"Third-Party Login Failure" in answer.content or answer.status_code >= 400
    assert not User.objects.filter(email="dana@example.org").exists()
    assert "_auth_user_id" not in client.session


def test_a_response_for_another_service_is_refused(client, saml, idp_keys):
    request = start(client)
    other = saml_idp.signed_response(
        request,
        idp_keys,
        name_id="dana@example.org",
        attributes=DANA,
        audience="https://other-service.example/metadata",
    )
    post_to_acs(client, request, other)
    assert not User.objects.filter(email="dana@example.org").exists()
    assert "_auth_user_id" not in client.session


def test_someone_with_no_mapped_group_gets_no_account(client, saml, idp_keys):
    request = start(client)
    answer = post_to_acs(
        client,
        request,
        saml_idp.signed_response(
            request,
            idp_keys,
            name_id="eve@example.org",
            attributes={"uid": ["eve"], "email": ["eve@example.org"], "groups": ["everyone"]},
        ),
    )
    assert answer.status_code == 403
    assert b"none of your groups or roles gives access to AIMS" in answer.content
    assert not User.objects.filter(email="eve@example.org").exists()
    assert "_auth_user_id" not in client.session


def test_the_next_sign_in_syncs_the_managed_roles_and_keeps_the_others(client, saml, idp_keys):
    request = start(client)
    post_to_acs(
        client,
        request,
        saml_idp.signed_response(request, idp_keys, name_id="dana@example.org", attributes=DANA),
    )
    dana = User.objects.get(email="dana@example.org")
    # By hand: System owner (no mapping names it: kept) and Governance officer (managed).
    dana.groups.add(*user_with_role(OWNER, username="x_t").groups.all())
    dana.groups.add(*user_with_role(OFFICER, username="y_t").groups.all())
    client.logout()
    moved = {**DANA, "groups": ["everyone"]}  # left the committee
    request = start(client)
    answer = post_to_acs(
        client,
        request,
        saml_idp.signed_response(request, idp_keys, name_id="dana@example.org", attributes=moved),
    )
    assert answer.redirect_chain[-1][0] == reverse("aims:dashboard")
    assert role_names_of(dana) == {OWNER}
    assert User.objects.filter(email="dana@example.org").count() == 1


def test_our_service_provider_metadata_names_the_acs(client, saml):
    answer = client.get(reverse("saml_metadata", args=["sso"]))
    assert answer.status_code == 200
    assert f"http://{HOST}/accounts/saml/sso/acs/".encode() in answer.content


def refuse_dana(user) -> str | None:
    return "Your access window has closed." if user.username == "dana" else None


def test_an_account_refused_today_is_refused_through_sso_too(client, saml, idp_keys):
    request = start(client)
    post_to_acs(
        client,
        request,
        saml_idp.signed_response(request, idp_keys, name_id="dana@example.org", attributes=DANA),
    )
    client.logout()
    saml.AIMS_ACCOUNT_REFUSAL = "tests.aims.sso.test_saml.refuse_dana"
    request = start(client)
    answer = post_to_acs(
        client,
        request,
        saml_idp.signed_response(request, idp_keys, name_id="dana@example.org", attributes=DANA),
    )
    assert answer.status_code == 403
    assert b"Your access window has closed." in answer.content
    assert "_auth_user_id" not in client.session
