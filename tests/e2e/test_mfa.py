"""Two-factor sign-in in a real browser: an officer whose role requires a second factor is
sent to set one up, enrols an authenticator app (the code computed from the secret the page
shows), signs out and back in with password and code; a wrong code is refused, a recovery code
works once. A security key is added and used through Chromium's virtual authenticator."""

import re
import time

import pytest
from playwright.sync_api import expect

from aims.roles import OFFICER, OWNER
from tests.aims.mfa.helpers import give_totp, totp_code
from tests.factories import PASSWORD, user_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def log_in_password(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def log_out(page):
    # The user menu's form (its button is in a closed dropdown).
    page.locator("form[action='/accounts/logout/']").first.evaluate("form => form.submit()")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


def fresh_code(secret, used):
    """The app's code, once it differs from ``used`` (a code counts once; the next one comes
    with the next 30-second period)."""
    while (code := totp_code(secret)) == used:
        time.sleep(1)
    return code


def confirm_password(page):
    expect(page).to_have_url(re.compile("/accounts/reauthenticate/"))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()


def test_an_officer_enrols_an_app_and_signs_in_with_it(new_page, settings):
    settings.AIMS_MFA_REQUIRED_ROLES = [OFFICER]
    user_with_role(OFFICER, username="mfa_officer")
    page = new_page()

    # Held on the enrolment page; the API refuses the session with a code.
    log_in_password(page, "mfa_officer")
    expect(page.get_by_role("heading", level=1)).to_have_text("Security: two-factor authentication")
    expect(page.get_by_text("Your role requires two-factor authentication").first).to_be_visible()
    page.goto("/")
    expect(page).to_have_url(re.compile("/accounts/2fa/$"))
    api = page.request.get("/api/v1/systems/")
    assert api.status == 403 and api.json()["code"] == "mfa_required"

    # Enrol: the password again, then the QR code (inline, no request elsewhere) and secret.
    page.get_by_role("link", name="Set up an authenticator app").click()
    confirm_password(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Set up an authenticator app")
    qr = page.get_by_role("img", name=re.compile("QR code"))
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    secret = page.get_by_label("Secret key").input_value()
    wrong = "123456" if totp_code(secret) != "123456" else "654321"
    page.get_by_label("Code from the app").fill(wrong)
    page.get_by_role("button", name="Activate").click()
    expect(page.get_by_text("Incorrect code").first).to_be_visible()
    used = totp_code(secret)
    page.get_by_label("Code from the app").fill(used)
    page.get_by_role("button", name="Activate").click()
    page.goto("/accounts/2fa/recovery-codes/")
    codes = page.locator("#recovery_codes").input_value().split()
    assert len(codes) >= 2
    page.goto("/")
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    assert page.request.get("/api/v1/systems/").status == 200
    log_out(page)

    # Password, then a wrong code (refused), then the app's code.
    log_in_password(page, "mfa_officer")
    expect(page).to_have_url(re.compile("/accounts/2fa/authenticate/"))
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("Incorrect code")).to_be_visible()
    page.get_by_label("Code").fill(fresh_code(secret, used))
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    log_out(page)

    # A recovery code works once.
    log_in_password(page, "mfa_officer")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    log_out(page)
    log_in_password(page, "mfa_officer")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Sign In").click()
    expect(page.get_by_text("Incorrect code")).to_be_visible()


def test_a_security_key_is_added_and_used_to_sign_in(new_page):
    user_with_role(OWNER, username="key_owner")
    page = new_page()
    # Chromium's virtual authenticator stands for the key: the browser runs the real WebAuthn
    # ceremony (allauth's static webauthn.js, navigator.credentials.create / get).
    cdp = page.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "usb",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    log_in_password(page, "key_owner")
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()
    page.goto("/accounts/2fa/")
    page.get_by_role("link", name="Add a security key or passkey").click()
    confirm_password(page)
    page.get_by_label("Name").fill("Blue key")
    page.get_by_role("button", name="Add").click()
    # The ceremony runs in the page's script and then posts the form: wait until the page has
    # left the form (going on at once would abandon the post on a slow machine).
    page.wait_for_url(lambda url: "/accounts/2fa/webauthn/add/" not in url, timeout=30_000)
    page.goto("/accounts/2fa/")
    expect(page.get_by_text("You have added 1 security key")).to_be_visible()
    log_out(page)

    log_in_password(page, "key_owner")
    expect(page).to_have_url(re.compile("/accounts/2fa/authenticate/"))
    page.get_by_role("button", name="Use a security key").click()
    expect(page.get_by_role("heading", level=1, name="Dashboard")).to_be_visible()


def test_a_time_boxed_auditor_outside_the_window_is_told_why_at_sign_in(new_page):
    from datetime import timedelta

    from django.db import transaction
    from django.utils import timezone

    from audits.certification import access
    from audits.certification.models import AuditorAccess, CertificationBody, ExternalAudit

    officer = user_with_role(OFFICER, username="tb_officer")
    today = timezone.localdate()
    with transaction.atomic():
        body = CertificationBody.objects.create(name="Assurance Body Ltd")
        audit = ExternalAudit.objects.create(
            body=body, kind=ExternalAudit.Kind.STAGE_2, start_date=today,
            end_date=today + timedelta(days=4), scope="Support", created_by=officer,
        )  # fmt: skip
        granted = access.grant_access(
            audit=audit, actor=officer, username="tb_auditor", valid_from=today,
            valid_until=audit.end_date,
        ).access  # fmt: skip
        granted.user.set_password(PASSWORD)
        granted.user.save()
    AuditorAccess.objects.filter(pk=granted.pk).update(
        valid_from=today - timedelta(days=10), valid_until=today - timedelta(days=1)
    )
    page = new_page()
    log_in_password(page, "tb_auditor")
    expect(page.get_by_role("alert")).to_contain_text("ended on")
    expect(page.get_by_role("button", name="Log in")).to_be_visible()


def test_the_two_factor_pages_pass_axe(new_page, login):
    from .test_axe import axe_violations

    officer = user_with_role(OFFICER, username="axe_officer")
    owner = user_with_role(OWNER, username="axe_owner")
    give_totp(owner)  # a factor to reset, and a second step at their sign-in
    page = login(officer)
    found = {}
    for path in ("/accounts/2fa/", "/security/people/", f"/security/people/{owner.pk}/reset/"):
        page.goto(path)
        found[path] = axe_violations(page)
    page.goto("/accounts/2fa/totp/activate/")
    confirm_password(page)
    for path in ("/accounts/reauthenticate/", "/accounts/2fa/totp/activate/"):
        page.goto(path)
        found[path] = axe_violations(page)
    anonymous = new_page()
    log_in_password(anonymous, "axe_owner")
    found["/accounts/2fa/authenticate/"] = axe_violations(anonymous)
    assert {p: v for p, v in found.items() if v} == {}
