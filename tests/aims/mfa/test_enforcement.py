"""AIMS_MFA_REQUIRED_ROLES: a person in a required role without a second factor is held on the
enrolment pages once signed in; their API session requests get 403 mfa_required; tokens pass."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from aims.mfa.policy import mfa_required
from aims.roles import APPROVER, OFFICER
from tests.factories import PASSWORD, make_token, user_with_role

from .helpers import give_recovery_codes, give_totp, totp_code


@pytest.fixture
def required(settings):
    settings.AIMS_MFA_REQUIRED_ROLES = [OFFICER, APPROVER, "administrators"]


def sign_in(client, user):
    return client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})


def reauthenticate(client):
    """allauth asks for the password again before a factor is added or removed."""
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302


def test_the_roles_and_administrators_are_required(required, officer, approver, owner, db):
    admin = user_with_role(None, username="staff_t", is_staff=True)
    assert mfa_required(officer) and mfa_required(approver) and mfa_required(admin)
    assert not mfa_required(owner)


def test_nothing_is_required_by_default_in_development(officer, settings):
    assert settings.AIMS_MFA_REQUIRED_ROLES == []
    assert not mfa_required(officer)


def test_an_officer_without_a_second_factor_is_sent_to_enrol(required, client, officer):
    sign_in(client, officer)
    response = client.get(reverse("aims:dashboard"))
    assert response.status_code == 302 and response["Location"] == reverse("mfa_index")
    page = client.get(reverse("mfa_index"))
    assert page.status_code == 200 and "Your role requires" in page.text
    setup = client.get(reverse("mfa_activate_totp"))  # the password again, first
    assert setup["Location"].startswith("/accounts/reauthenticate/")
    assert client.get(setup["Location"]).status_code == 200
    reauthenticate(client)
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    assert client.get(reverse("password_change"))["Location"] == reverse("mfa_index")
    assert client.get("/security/people/")["Location"] == reverse("mfa_index")
    # Signing out stays open.
    assert client.post(reverse("logout"))["Location"] == reverse("login")


def test_the_api_refuses_their_session_with_a_code(required, client, officer):
    sign_in(client, officer)
    response = client.get("/api/v1/systems/")
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_required"


def test_their_token_still_works(required, client, officer):
    token = make_token(officer)
    response = client.get("/api/v1/systems/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200


def test_a_staff_account_is_held_as_an_administrator(required, client, db):
    admin = user_with_role(None, username="staff_t", is_staff=True)
    sign_in(client, admin)
    assert client.get("/admin/")["Location"] == reverse("mfa_index")


def test_a_role_not_required_signs_in_as_before(required, client, owner):
    sign_in(client, owner)
    assert client.get(reverse("aims:dashboard")).status_code == 200


def test_recovery_codes_alone_do_not_count(required, client, officer):
    give_recovery_codes(officer)
    sign_in(client, officer)
    assert client.get(reverse("aims:dashboard"))["Location"] == reverse("mfa_index")


def test_enrolling_an_app_releases_the_officer(required, client, officer):
    sign_in(client, officer)
    reauthenticate(client)
    client.get(reverse("mfa_activate_totp"))  # the secret is kept in the session
    secret = client.session["mfa.totp.secret"]
    response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert client.get(reverse("aims:dashboard")).status_code == 200
    assert client.get("/api/v1/systems/").status_code == 200


def test_an_enrolled_officer_signs_in_with_the_code_and_works(required, client, officer):
    secret = give_totp(officer)
    sign_in(client, officer)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert client.get(reverse("aims:dashboard")).status_code == 200


def test_removing_the_last_factor_holds_the_session_again(required, client, officer):
    secret = give_totp(officer)
    sign_in(client, officer)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert client.get(reverse("aims:dashboard")).status_code == 200
    reauthenticate(client)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 302
    assert client.get(reverse("aims:dashboard"))["Location"] == reverse("mfa_index")


def test_a_misspelt_role_fails_the_system_check(settings):
    from django.core.management.base import SystemCheckError

    settings.AIMS_MFA_REQUIRED_ROLES = ["Governance Officer"]
    with pytest.raises(SystemCheckError, match="unknown roles"):
        call_command("check")
