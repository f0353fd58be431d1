"""Access to django-allauth's single sign-on routes (excluded from the role matrix, see
tests/matrix/world.py): the anonymous steps of a sign-in answer only for configured providers,
the connections page is the signed-in person's own, and the signup form never opens without a
pending SSO sign-in (no self-signup)."""

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp

from aims.roles import AUDITOR, OFFICER
from tests.factories import user_with_role


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/saml/nobody/metadata/",
        "/accounts/saml/nobody/login/",
        "/accounts/oidc/nobody/login/",
        "/accounts/oidc/nobody/login/callback/",
    ],
)
def test_unknown_providers_answer_404(client, db, url):
    assert client.get(url).status_code == 404


def test_connections_need_a_signed_in_user_and_show_only_their_own(client, db):
    assert client.get("/accounts/3rdparty/").status_code == 302
    app = SocialApp.objects.create(provider="openid_connect", provider_id="oidc", name="Corp")
    officer = user_with_role(OFFICER, username="officer_t")
    other = user_with_role(AUDITOR, username="auditor_t")
    SocialAccount.objects.create(user=other, provider="oidc", uid="other-uid-123")
    client.force_login(officer)
    page = client.get("/accounts/3rdparty/")
    assert page.status_code == 200
    assert b"other-uid-123" not in page.content
    assert app.name.encode() in page.content  # offered for linking one's own account


def test_the_sso_signup_form_needs_a_pending_sso_sign_in(client, db):
    answer = client.get("/accounts/3rdparty/signup/")
    assert answer.status_code == 302
    assert not SocialAccount.objects.exists()


def test_a_provider_added_in_the_admin_is_offered_on_the_sign_in_page(client, db):
    SocialApp.objects.create(
        provider="openid_connect",
        provider_id="corp",
        name="Corp Login",
        client_id="aims",
        settings={"server_url": "https://id.example.org"},
    )
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with Corp Login" in page
    assert 'action="/accounts/oidc/corp/login/?process=login"' in page
