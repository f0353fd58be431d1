"""django-allauth's own routes (excluded from the role matrix, tests/matrix/world.py): who
reaches them. The second-factor pages are the signed-in person's own; the rest of allauth's
account pages are either anonymous steps of the sign-in or closed."""

import json
import re

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

OWN_PAGES = [
    "mfa_index",
    "mfa_activate_totp",
    "mfa_add_webauthn",
    "mfa_list_webauthn",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "account_email",
]


@pytest.mark.parametrize("name", OWN_PAGES)
def test_anonymous_is_sent_to_sign_in(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_second_step_needs_a_password_first(client, db):
    response = client.get(reverse("mfa_authenticate"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("role", ["officer", "approver", "owner", "auditor"])
def test_every_role_reaches_its_own_two_factor_page(client, db, request, role):
    client.force_login(request.getfixturevalue(role))
    page = client.get(reverse("mfa_index"))
    assert page.status_code == 200
    assert "Set up an authenticator app" in page.text
    assert "Add a security key or passkey" in page.text


def sign_in_and_confirm(client, user):
    """Signed in, and the password given again (allauth asks before a factor is added)."""
    client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302


def test_adding_a_factor_asks_for_the_password_again(client, owner):
    client.force_login(owner)
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith("/accounts/reauthenticate/")
    page = client.get(response["Location"])
    assert page.status_code == 200 and "<h1" in page.text


def test_the_totp_page_shows_its_qr_code_inline_and_the_secret(client, owner):
    sign_in_and_confirm(client, owner)
    page = client.get(reverse("mfa_activate_totp")).text
    assert 'src="data:image/svg+xml;base64,' in page
    secret = re.search(r'id="authenticator_secret" value="([A-Z2-7=]+)"', page).group(1)
    assert secret == client.session["mfa.totp.secret"]
    assert "<script>" not in page and " onclick=" not in page


def test_the_webauthn_page_offers_registration_options(client, owner):
    # The browser half (navigator.credentials.create) runs in tests/e2e/test_mfa.py with
    # Chromium's virtual authenticator; here, the options the page hands to it.
    sign_in_and_confirm(client, owner)
    page = client.get(reverse("mfa_add_webauthn")).text
    data = json.loads(
        re.search(r'<script id="js_data" type="application/json">(.*?)</script>', page, re.S).group(
            1
        )
    )
    options = data["creation_options"]["publicKey"]
    assert options["rp"]["name"] and options["challenge"]
    assert options["user"]["name"].startswith(owner.username)
    assert 'src="/static/mfa/js/webauthn.js"' in page


def test_the_passkey_login_is_off_by_default(client, db):
    assert "passkey" not in client.get("/accounts/login/").text.lower()


def test_allauths_password_change_is_ours(client, owner):
    client.force_login(owner)
    response = client.get("/accounts/password/change/")
    assert response.status_code == 302 and response["Location"] == reverse("password_change")


def test_the_old_password_change_still_works(client, owner):
    client.force_login(owner)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "N3w-pass-2026!",
            "new_password2": "N3w-pass-2026!",
        },
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password("N3w-pass-2026!")


def test_the_admin_login_goes_through_our_sign_in(client, db):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")
