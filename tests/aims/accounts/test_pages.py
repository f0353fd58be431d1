"""Pages: one's tokens (create with the secret once, revoke with confirmation), sessions (sign
out one, sign out everywhere else), service accounts (officers), password reset by email."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.test import Client
from django.urls import reverse

from aims.accounts.models import ApiToken, ServiceAccount, UserSession, hash_secret
from aims.roles import OWNER
from tests.factories import PASSWORD, make_token

pytestmark = pytest.mark.django_db


def scope_data(level="write") -> dict:
    from aims.accounts.scopes import AREAS

    return {f"scope_{area}": level for area in AREAS}


def test_create_a_token_on_the_page_shows_the_secret_once(client_as, owner):
    client = client_as(owner)
    assert client.get(reverse("accounts:token_create")).status_code == 200
    response = client.post(
        reverse("accounts:token_create"),
        {"name": "Report export", "expires_in": "30", **scope_data("read")},
    )
    assert response.status_code == 201
    secret = re.search(r'value="(aims_[^"]+)"', response.content.decode()).group(1)
    token = ApiToken.objects.get(user=owner)
    assert token.key_hash == hash_secret(secret) and token.scopes["risk"] == "read"
    assert response["Cache-Control"] == "no-store"
    listing = client.get(reverse("accounts:token_list")).content.decode()
    assert "Report export" in listing and token.prefix in listing and secret not in listing


def test_a_token_without_any_area_is_refused_on_the_form(client_as, owner):
    response = client_as(owner).post(
        reverse("accounts:token_create"), {"name": "Nothing", "expires_in": "30"}
    )
    assert response.status_code == 400 and not ApiToken.objects.exists()


def test_revoke_asks_first_then_revokes(client_as, owner):
    secret = make_token(owner, name="Old")
    token = ApiToken.objects.get(user=owner)
    client = client_as(owner)
    url = reverse("accounts:token_revoke", args=[token.pk])
    page = client.get(url)
    assert page.status_code == 200 and b"Revoke the token" in page.content
    token.refresh_from_db()
    assert token.revoked_at is None
    response = client.post(url, {"reason": "Rotated"})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_reason == "Rotated"
    api = Client()
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {secret}").status_code == 401


def test_others_tokens_are_not_found(client_as, owner, other_owner):
    make_token(owner)
    token = ApiToken.objects.get(user=owner)
    client = client_as(other_owner)
    assert client.get(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    assert client.post(reverse("accounts:token_revoke", args=[token.pk])).status_code == 404
    # ?user= is for officers: anyone else sees their own list.
    page = client.get(reverse("accounts:token_list"), {"user": owner.pk})
    assert token.prefix.encode() not in page.content
    token.refresh_from_db()
    assert token.revoked_at is None


def test_officers_see_and_revoke_anyones_token(client_as, owner, officer):
    make_token(owner, name="Owner's exporter")
    token = ApiToken.objects.get(user=owner)
    client = client_as(officer)
    page = client.get(reverse("accounts:token_list"), {"user": owner.pk})
    assert b"Owner&#x27;s exporter" in page.content
    client.post(reverse("accounts:token_revoke", args=[token.pk]))
    token.refresh_from_db()
    assert token.revoked_by == officer


def test_token_list_query_count_does_not_grow(client_as, owner, django_assert_max_num_queries):
    client = client_as(owner)
    make_token(owner, name="first")
    client.get(reverse("accounts:token_list"))
    with django_assert_max_num_queries(30) as few:
        client.get(reverse("accounts:token_list"))
    for n in range(10):
        make_token(owner, name=f"t{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("accounts:token_list"))


def login(username: str, agent: str) -> Client:
    client = Client(HTTP_USER_AGENT=agent, REMOTE_ADDR="192.0.2.10")
    assert (
        client.post(reverse("login"), {"username": username, "password": PASSWORD}).status_code
        == 302
    )
    return client


def test_sessions_are_listed_and_ended(owner):
    laptop = login(owner.username, "Laptop browser")
    phone = login(owner.username, "Phone browser")
    tablet = login(owner.username, "Tablet browser")
    page = laptop.get(reverse("accounts:session_list")).content.decode()
    assert "Laptop browser" in page and "Phone browser" in page and "192.0.2.10" in page
    assert page.count('data-current="yes"') == 1
    phone_row = UserSession.objects.get(user_agent="Phone browser")
    laptop.post(reverse("accounts:session_end", args=[phone_row.pk]))
    assert not Session.objects.filter(session_key=phone_row.session_key).exists()
    assert phone.get(reverse("accounts:session_list")).status_code == 302  # signed out
    assert tablet.get(reverse("accounts:session_list")).status_code == 200
    laptop.post(reverse("accounts:session_end_others"))
    assert tablet.get(reverse("accounts:session_list")).status_code == 302
    assert laptop.get(reverse("accounts:session_list")).status_code == 200
    assert list(UserSession.objects.values_list("user_agent", flat=True)) == ["Laptop browser"]


def test_someone_elses_session_cannot_be_ended(owner, other_owner):
    theirs = login(other_owner.username, "Their browser")
    mine = login(owner.username, "My browser")
    row = UserSession.objects.get(user=other_owner)
    assert mine.post(reverse("accounts:session_end", args=[row.pk])).status_code == 404
    assert theirs.get(reverse("accounts:session_list")).status_code == 200


def test_logout_forgets_the_session(owner):
    client = login(owner.username, "Browser")
    client.post(reverse("logout"))
    assert not UserSession.objects.filter(user=owner).exists()


def test_a_password_change_ends_the_other_sessions(owner):
    here = login(owner.username, "Here")
    elsewhere = login(owner.username, "Elsewhere")
    new = "A-new-pass-2026!"
    here.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert elsewhere.get(reverse("accounts:session_list")).status_code == 302
    assert here.get(reverse("accounts:session_list")).status_code == 200
    assert list(UserSession.objects.values_list("user_agent", flat=True)) == ["Here"]


def test_password_reset_by_email(client, owner):
    owner.email = "owner@example.org"
    owner.save()
    secret = make_token(owner)
    login_page = client.get(reverse("login")).content.decode()
    assert reverse("password_reset") in login_page and "Forgot your password?" in login_page
    known = client.post(reverse("password_reset"), {"email": "owner@example.org"})
    unknown = client.post(reverse("password_reset"), {"email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["owner@example.org"]
    link = re.search(r"https?://[^/]+(/accounts/password-reset/\S+/)", mail.outbox[0].body)
    page = client.get(link.group(1), follow=True)
    assert page.status_code == 200 and b"Choose a new password" in page.content
    new = "Reset-pass-2026!"
    done = client.post(page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert done.status_code == 302 and done["Location"] == reverse("password_reset_complete")
    owner.refresh_from_db()
    assert owner.check_password(new)
    api = Client()
    assert api.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {secret}").status_code == 401


def test_password_reset_requests_are_throttled(client, owner, settings):
    settings.AIMS_PASSWORD_RESET_RATE = 2
    codes = [
        client.post(reverse("password_reset"), {"email": f"x{n}@example.org"}).status_code
        for n in range(3)
    ]
    assert codes == [302, 302, 429]


def test_service_account_pages(client_as, officer, owner):
    client = client_as(officer)
    response = client.post(
        reverse("accounts:service_account_create"),
        {"name": "Ticket bridge", "description": "Pushes incidents", "owner": owner.pk,
         "roles": [OWNER], "is_active": "on"},
    )  # fmt: skip
    assert response.status_code == 302, response.content[:2000]
    account = ServiceAccount.objects.get(name="Ticket bridge")
    assert response["Location"] == reverse("accounts:service_account_detail", args=[account.pk])
    assert client.get(reverse("accounts:service_account_list")).status_code == 200
    created = client.post(
        reverse("accounts:service_account_token_create", args=[account.pk]),
        {"name": "bridge", "expires_in": "90", "scope_incidents": "write"},
    )
    assert created.status_code == 201
    assert ApiToken.objects.get(user=account.user).scopes == {"incidents": "write"}
    detail = client.get(reverse("accounts:service_account_detail", args=[account.pk]))
    assert b"bridge" in detail.content
    # A service account has no password: it cannot sign in in the browser.
    assert not Client().login(username=account.user.username, password="")
    for user in (owner,):
        other = client_as(user)
        assert other.get(reverse("accounts:service_account_list")).status_code == 403
