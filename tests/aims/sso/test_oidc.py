"""OpenID Connect sign-in through a real provider (django-oauth-toolkit, in its own process:
tests/sso/oidc_provider), driven over HTTP as a browser would: AIMS' sign-in page, the
"Sign in with ..." button, the provider's sign-in form, the authorization code back to AIMS'
callback, the code exchanged and the ID token verified against the provider's keys."""

import re

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth import get_user_model

from aims.roles import APPROVER, OFFICER
from aims.sso import config
from aims.sso.services import role_names_of
from tests.factories import PASSWORD, user_with_role

from .conftest import PROVIDER_ID

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
User = get_user_model()


@pytest.fixture
def oidc(settings, oidc_provider):
    settings.SOCIALACCOUNT_PROVIDERS = config.providers(
        {
            "AIMS_OIDC_SERVER_URL": oidc_provider.server_url,
            "AIMS_OIDC_CLIENT_ID": oidc_provider.client_id,
            "AIMS_OIDC_CLIENT_SECRET": oidc_provider.client_secret,
            "AIMS_OIDC_NAME": "Example Identity",
            "AIMS_OIDC_PROVIDER_ID": PROVIDER_ID,
        }
    )
    settings.AIMS_SSO_ROLE_MAP = "groups:aims-officers=Governance officer"
    return oidc_provider


def sso_sign_in(base: str, provider, username: str) -> tuple[requests.Session, requests.Response]:
    browser = requests.Session()
    page = browser.get(f"{base}/accounts/login/", timeout=10)
    assert "Sign in with Example Identity" in page.text
    action = re.search(r'action="(/accounts/oidc/[^"]+/login/[^"]*)"', page.text).group(1)
    to_provider = browser.post(
        base + action.replace("&amp;", "&"),
        data={"csrfmiddlewaretoken": browser.cookies["csrftoken"]},
        timeout=10,
    )
    # The provider asks who this is (its own sign-in form).
    assert to_provider.url.startswith(f"{provider.url}/login/"), to_provider.url
    next_url = re.search(r'name="next" value="([^"]+)"', to_provider.text).group(1)
    back = browser.post(
        to_provider.url,
        data={
            "csrfmiddlewaretoken": browser.cookies["idp_csrftoken"],
            "username": username,
            "password": provider.password,
            "next": next_url.replace("&amp;", "&"),
        },
        timeout=20,
    )
    return browser, back


def test_oidc_sign_in_creates_the_account_with_the_mapped_role(live_server, oidc, settings):
    browser, back = sso_sign_in(live_server.url, oidc, "alice")
    assert back.status_code == 200, back.text[:2000]
    assert back.url == f"{live_server.url}/"
    alice = User.objects.get(username="alice")
    assert alice.email == "alice@example.org"
    assert (alice.first_name, alice.last_name) == ("Alice", "Martin")
    assert role_names_of(alice) == {OFFICER}
    account = SocialAccount.objects.get(user=alice)
    assert account.provider == PROVIDER_ID
    me = browser.get(f"{live_server.url}/api/v1/me/", timeout=10).json()
    assert me["username"] == "alice" and me["roles"] == [OFFICER]


def test_someone_whose_groups_map_to_no_role_is_refused(live_server, oidc):
    _, back = sso_sign_in(live_server.url, oidc, "bob")
    assert back.status_code == 403
    assert "none of your groups or roles gives access to AIMS" in back.text
    assert not User.objects.filter(username="bob").exists()


def test_sso_only_mode_lets_sso_in_and_only_break_glass_passwords(live_server, oidc, settings):
    settings.AIMS_SSO_ONLY = True
    settings.AIMS_BREAK_GLASS_USERS = ["admin_t"]
    settings.AIMS_SSO_ROLE_MAP = "groups:aims-committee=Approver"
    user_with_role(OFFICER, username="officer_t")
    user_with_role(None, username="admin_t", is_staff=True, is_superuser=True)

    _, back = sso_sign_in(live_server.url, oidc, "carol")
    assert back.url == f"{live_server.url}/"
    assert role_names_of(User.objects.get(username="carol")) == {APPROVER}

    def password_sign_in(username):
        browser = requests.Session()
        browser.get(f"{live_server.url}/accounts/login/", timeout=10)
        answer = browser.post(
            f"{live_server.url}/accounts/login/",
            data={
                "csrfmiddlewaretoken": browser.cookies["csrftoken"],
                "username": username,
                "password": PASSWORD,
            },
            timeout=10,
        )
        return answer

    refused = password_sign_in("officer_t")
    assert refused.url == f"{live_server.url}/accounts/login/"
    assert "Sign-in with a password is turned off" in refused.text
    assert password_sign_in("admin_t").url == f"{live_server.url}/"
