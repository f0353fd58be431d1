"""Single sign-on in a real browser: AIMS' sign-in page offers the provider, the OpenID
provider (django-oauth-toolkit in its own process, tests/sso/oidc_provider) asks who this is,
and the person lands on the AIMS dashboard with the role their groups map to. The sign-in page
with its SSO buttons and the refusal page pass axe."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from aims.roles import OFFICER
from aims.sso import config
from aims.sso.services import role_names_of
from tests.aims.sso.conftest import PROVIDER_ID, oidc_provider  # noqa: F401 (fixture)

from .test_axe import axe_violations

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def oidc(settings, oidc_provider):  # noqa: F811
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


def axe(page) -> list:
    return axe_violations(page)  # evaluated: the CSP refuses an added inline script


def sign_in_through_the_provider(page, provider, username: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("button", name="Sign in with Example Identity").click()
    page.wait_for_url(f"{provider.url}/login/**")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(provider.password)
    page.get_by_role("button", name="Sign in").click()


def test_a_person_signs_in_through_the_openid_provider(page, oidc):
    page.goto("/accounts/login/")
    assert axe(page) == []
    sign_in_through_the_provider(page, oidc, "alice")
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    alice = get_user_model().objects.get(username="alice")
    assert role_names_of(alice) == {OFFICER}


def test_someone_without_a_mapped_group_is_told_why(page, oidc):
    sign_in_through_the_provider(page, oidc, "bob")
    expect(page.get_by_role("heading", level=1, name="Access refused")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("none of your groups or roles")
    assert axe(page) == []
    assert not get_user_model().objects.filter(username="bob").exists()
