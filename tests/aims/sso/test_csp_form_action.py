"""The sign-in page's Content-Security-Policy lets the "Sign in with" forms end at the
provider: the button posts to AIMS, which redirects there, and browsers hold that redirect to
the page's form-action."""

import pytest

from aims.sso import config

pytestmark = pytest.mark.django_db


def form_action(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(part.strip() for part in policy.split(";") if "form-action" in part)


def test_without_providers_forms_post_to_aims_only(client):
    assert form_action(client.get("/accounts/login/")) == "form-action 'self'"


def test_a_configured_provider_origin_is_allowed_on_the_sign_in_page_only(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = config.providers(
        {
            "AIMS_OIDC_SERVER_URL": "https://idp.example.org/realms/aims",
            "AIMS_OIDC_CLIENT_ID": "aims",
            "AIMS_OIDC_CLIENT_SECRET": "secret",
            "AIMS_OIDC_NAME": "Example Identity",
        }
    )
    page = client.get("/accounts/login/")
    assert b"Sign in with Example Identity" in page.content
    assert form_action(page) == "form-action 'self' https://idp.example.org"
    # Other pages keep 'self' alone.
    assert form_action(client.get("/accounts/password-reset/")) == "form-action 'self'"
