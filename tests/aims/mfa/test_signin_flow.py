"""Signing in through django-allauth: the password, then the second factor for an account
that has one; the time-boxed refusal and the limited home survive the move to allauth."""

from django.urls import reverse

from tests.factories import PASSWORD

from .helpers import give_recovery_codes, give_totp, totp_code

LOGIN = "/accounts/login/"


def sign_in(client, user, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": user.username, "password": password, **extra})


def test_a_password_alone_signs_in_an_account_without_a_second_factor(client, owner):
    response = sign_in(client, owner)
    assert response.status_code == 302 and response["Location"] == reverse("aims:dashboard")
    assert client.session["_auth_user_id"] == str(owner.pk)


def test_the_login_page_keeps_its_fields_and_button(client, db):
    page = client.get(LOGIN).text
    assert 'name="username"' in page and ">Username</label>" in page
    assert ">Password</label>" in page and "Log in</button>" in page
    assert "Sign up" not in page


def test_next_is_followed_and_a_foreign_next_is_not(client, owner):
    response = sign_in(client, owner, next="/risk/")
    assert response["Location"] == "/risk/"
    client.logout()
    response = sign_in(client, owner, next="https://evil.example/")
    assert response["Location"] == reverse("aims:dashboard")


def test_a_wrong_password_is_refused_in_the_old_words(client, owner):
    response = sign_in(client, owner, password="wrong")
    assert response.status_code == 200
    assert "didn&#x27;t match" in response.text or "didn't match" in response.text
    assert "_auth_user_id" not in client.session


def test_an_inactive_account_is_refused_like_a_wrong_password(client, owner):
    owner.is_active = False
    owner.save()
    response = sign_in(client, owner)
    assert response.status_code == 200 and "t match. Please" in response.text
    assert "_auth_user_id" not in client.session


def test_an_account_with_an_app_needs_its_code_after_the_password(client, owner):
    secret = give_totp(owner)
    response = sign_in(client, owner)
    assert response.status_code == 302 and response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session  # not signed in on the password alone
    assert client.get(reverse("aims:dashboard")).status_code == 302

    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200 and "_auth_user_id" not in client.session
    assert "Incorrect code" in wrong.text

    right = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert right.status_code == 302 and right["Location"] == reverse("aims:dashboard")
    assert client.session["_auth_user_id"] == str(owner.pk)


def test_a_used_code_is_refused_a_second_time(client, owner):
    secret = give_totp(owner)
    code = totp_code(secret)
    sign_in(client, owner)
    client.post(reverse("mfa_authenticate"), {"code": code})
    client.post(reverse("logout"))
    sign_in(client, owner)
    again = client.post(reverse("mfa_authenticate"), {"code": code})
    assert again.status_code == 200 and "_auth_user_id" not in client.session


def test_a_recovery_code_works_once(client, owner):
    give_totp(owner)
    code = give_recovery_codes(owner)[0]
    sign_in(client, owner)
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302
    assert client.session["_auth_user_id"] == str(owner.pk)
    client.post(reverse("logout"))
    sign_in(client, owner)
    again = client.post(reverse("mfa_authenticate"), {"code": code})
    assert again.status_code == 200 and "_auth_user_id" not in client.session


def test_the_next_page_is_kept_through_the_second_step(client, owner):
    secret = give_totp(owner)
    sign_in(client, owner, next="/risk/")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert response["Location"] == "/risk/"


def test_the_api_token_endpoint_is_unchanged_for_an_account_with_a_second_factor(client, owner):
    # Tokens are for integrations: issued on the password (their own helper governs them).
    give_totp(owner)
    response = client.post(
        "/api/v1/auth/token/", {"username": owner.username, "password": PASSWORD}
    )
    assert response.status_code == 200 and response.json()["token"]


def test_signup_is_closed(client, db):
    from django.contrib.auth import get_user_model

    response = client.post(
        "/accounts/signup/",
        {"username": "newcomer", "password1": "A-long-pass-42!", "password2": "A-long-pass-42!"},
    )
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="newcomer").exists()
