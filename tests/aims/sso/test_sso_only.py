"""SSO-only mode (AIMS_SSO_ONLY): passwords refused on every sign-in path and the password
pages closed, for everyone but the break-glass accounts; tokens issued before keep working."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from aims.accounts.models import ApiToken
from aims.roles import OFFICER
from tests.factories import PASSWORD, make_token, user_with_role

MESSAGE = "Sign-in with a password is turned off"


@pytest.fixture
def sso_only(settings):
    settings.AIMS_SSO_ONLY = True
    settings.AIMS_BREAK_GLASS_USERS = ["admin_t"]


@pytest.fixture
def admin_t(db):
    return user_with_role(None, username="admin_t", is_staff=True, is_superuser=True)


@pytest.fixture
def officer_staff(db):
    return user_with_role(OFFICER, username="officer_t", is_staff=True)


def test_the_sign_in_page_refuses_the_password_and_says_why(client, sso_only, officer_staff):
    answer = client.post(reverse("login"), {"username": "officer_t", "password": PASSWORD})
    assert answer.status_code == 200
    assert MESSAGE in answer.content.decode()
    assert "_auth_user_id" not in client.session
    # An unknown username gets the same answer (nothing tells which accounts exist).
    unknown = client.post(reverse("login"), {"username": "nobody", "password": "x"})
    assert MESSAGE in unknown.content.decode()


def test_the_break_glass_account_still_signs_in_with_its_password(client, sso_only, admin_t):
    answer = client.post(reverse("login"), {"username": "admin_t", "password": PASSWORD})
    assert answer.status_code == 302
    assert client.session["_auth_user_id"] == str(admin_t.pk)


def test_the_admin_sign_in_takes_no_password(client, sso_only, officer_staff, admin_t):
    """The admin's login form sends to the sign-in page, where SSO-only mode applies: a
    password posted to it signs nobody in, break-glass account included."""
    url = reverse("admin:login")
    for username in ("officer_t", "admin_t"):
        answer = client.post(url, {"username": username, "password": PASSWORD})
        assert answer.status_code == 302
        assert answer["Location"].startswith(reverse("login"))
        assert "_auth_user_id" not in client.session
    answer = client.post(reverse("login"), {"username": "officer_t", "password": PASSWORD})
    assert MESSAGE in answer.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_token_endpoint_refuses_with_code_sso_only_and_old_tokens_keep_working(
    sso_only, officer_staff, admin_t
):
    old = make_token(officer_staff)
    api = APIClient()
    refused = api.post(
        reverse("api:token"), {"username": "officer_t", "password": PASSWORD}, format="json"
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "sso_only"
    assert ApiToken.objects.filter(user=officer_staff).count() == 1
    granted = api.post(
        reverse("api:token"), {"username": "admin_t", "password": PASSWORD}, format="json"
    )
    assert granted.status_code == 200 and granted.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert api.get("/api/v1/me/").json()["username"] == "officer_t"


def test_the_backend_refuses_the_password_whatever_the_form(rf, sso_only, officer_staff):
    from django.contrib.auth import authenticate

    assert authenticate(rf.get("/"), username="officer_t", password=PASSWORD) is None


@pytest.mark.parametrize(
    "url",
    [
        "/accounts/password/",
        "/accounts/password/done/",
        "/accounts/password/change/",
        "/accounts/password/set/",
        "/accounts/password/reset/",
        "/accounts/password/reset/done/",
    ],
)
def test_password_pages_are_closed_except_to_break_glass(client, sso_only, officer_staff, url):
    client.force_login(officer_staff)
    answer = client.get(url, follow=True)  # allauth's change page redirects to ours
    assert answer.status_code == 403
    assert "Passwords are not used here" in answer.content.decode()
    client.logout()
    assert client.get(url).status_code in (302, 403)


def test_break_glass_keeps_the_password_change_page(client, sso_only, admin_t):
    client.force_login(admin_t)
    assert client.get("/accounts/password/").status_code == 200


def test_without_sso_only_passwords_work_as_before(client, officer_staff):
    answer = client.post(reverse("login"), {"username": "officer_t", "password": PASSWORD})
    assert answer.status_code == 302
    client.force_login(officer_staff)
    assert client.get("/accounts/password/").status_code == 200
    api = APIClient()
    token = api.post(
        reverse("api:token"), {"username": "officer_t", "password": PASSWORD}, format="json"
    )
    assert token.status_code == 200
