"""The lockout on every way in (browser, admin, API token), keyed on account and real client
address; the right password is refused while locked; unlocking ends it."""

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from rest_framework.test import APIClient

from aims.accounts.models import ApiToken
from aims.roles import OWNER
from aims.signins.models import SignInEvent
from aims.signins.services import account_unlock
from tests.factories import PASSWORD, user_with_role

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/?next=/admin/"
TOKEN = "/api/v1/auth/token/"


def browser(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def fail(client, username, times, **extra):
    return [browser(client, username, "wrong", **extra).status_code for _ in range(times)]


def test_browser_sign_in_locks_after_five_failures_and_refuses_the_right_password(client, owner):
    assert fail(client, owner.username, 4) == [200] * 4  # the form, with its error
    locked = browser(client, owner.username, "wrong")
    assert locked.status_code == 429
    assert b"Sign-in paused" in locked.content
    assert locked["Retry-After"] == "900"

    refused = browser(client, owner.username, PASSWORD)
    assert refused.status_code == 429
    assert b"even with the right password" in refused.content
    assert not signed_in(client)
    assert client.get("/").status_code == 302  # still sent to sign in

    kinds = list(SignInEvent.objects.filter(username=owner.username).values_list("kind", flat=True))
    assert kinds.count(SignInEvent.Kind.FAILED) == 5
    assert kinds.count(SignInEvent.Kind.LOCKED_OUT) == 1
    assert kinds.count(SignInEvent.Kind.REFUSED_LOCKED) == 1
    assert SignInEvent.Kind.SIGNED_IN not in kinds


def test_attempts_during_a_lockout_are_not_counted(client, owner, settings):
    """The lockout ends when announced: hammering the locked pair does not extend it."""
    from aims.signins import lockout

    fail(client, owner.username, 5)
    fail(client, owner.username, 10)
    assert lockout.failures(owner.username, "127.0.0.1") == (5, 5)


def test_a_sign_in_clears_the_failures_of_its_address(client, owner):
    assert fail(client, owner.username, 4) == [200] * 4
    assert browser(client, owner.username, PASSWORD).status_code == 302
    client.logout()
    assert fail(client, owner.username, 4) == [200] * 4
    assert browser(client, owner.username, PASSWORD).status_code == 302


def test_the_lock_holds_one_account_from_one_address(client, owner):
    """Another address still signs in (an attacker cannot lock the owner out from everywhere
    with a few guesses), and another account from the locked address too."""
    other = user_with_role(OWNER, username="other_owner_l")
    fail(client, owner.username, 5)
    assert browser(client, owner.username, PASSWORD, REMOTE_ADDR="198.51.100.7").status_code == 302
    client.logout()
    assert browser(client, other.username, PASSWORD).status_code == 302


def test_rotating_real_addresses_still_locks_the_account(client, owner, settings):
    """The account-wide limit: an attacker with many addresses, a few guesses each."""
    settings.AIMS_LOCKOUT_ACCOUNT_FAILURES = 8
    for n in range(8):
        fail(client, owner.username, 1, REMOTE_ADDR=f"198.51.100.{n + 1}")
    refused = browser(client, owner.username, PASSWORD, REMOTE_ADDR="203.0.113.99")
    assert refused.status_code == 429
    assert not signed_in(client)


def test_rotating_x_forwarded_for_does_not_escape_without_trusted_proxies(client, owner, settings):
    settings.AIMS_TRUSTED_PROXY_COUNT = 0
    codes = [
        browser(client, owner.username, "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}").status_code
        for n in range(5)
    ]
    assert codes == [200, 200, 200, 200, 429]
    refused = browser(client, owner.username, PASSWORD, HTTP_X_FORWARDED_FOR="10.9.9.9")
    assert refused.status_code == 429
    assert not signed_in(client)
    assert set(SignInEvent.objects.values_list("client_address", flat=True)) == {"127.0.0.1"}


def test_with_one_trusted_proxy_the_appended_address_counts(client, owner, settings):
    """The proxy appends the address it saw; what the client wrote to the left is ignored."""
    settings.AIMS_TRUSTED_PROXY_COUNT = 1
    codes = [
        browser(
            client, owner.username, "wrong", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.7"
        ).status_code
        for n in range(5)
    ]
    assert codes == [200, 200, 200, 200, 429]
    spoofed = browser(client, owner.username, PASSWORD, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7")
    assert spoofed.status_code == 429
    assert set(SignInEvent.objects.values_list("client_address", flat=True)) == {"203.0.113.7"}
    # The same account from another real address (as its proxy reports it) is not locked.
    elsewhere = browser(client, owner.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert elsewhere.status_code == 302


def test_the_admin_sign_in_is_the_locked_sign_in_page(client, django_user_model):
    """The admin's own login form takes no password (it sends to the sign-in page, where the
    second factor and the lockout apply), so it cannot be used to go round the lock."""
    admin = django_user_model.objects.create_superuser("admin_l", "a@example.org", PASSWORD)
    posted = client.post(ADMIN_LOGIN, {"username": admin.username, "password": PASSWORD})
    assert posted.status_code == 302
    assert posted["Location"].startswith("/accounts/login/")
    assert not signed_in(client)

    def attempt(password):
        return client.post("/accounts/login/", {"username": admin.username, "password": password,
                                                "next": "/admin/"})  # fmt: skip

    assert [attempt("wrong").status_code for _ in range(4)] == [200] * 4
    assert attempt("wrong").status_code == 429
    refused = attempt(PASSWORD)
    assert refused.status_code == 429
    assert b"Sign-in paused" in refused.content
    assert not signed_in(client)
    assert client.get("/admin/").status_code == 302


def test_token_endpoint_locks_with_a_json_refusal(owner):
    api = APIClient()

    def attempt(password, **extra):
        return api.post(TOKEN, {"username": owner.username, "password": password},
                        format="json", **extra)  # fmt: skip

    assert [attempt("wrong").status_code for _ in range(4)] == [400] * 4
    locked = attempt("wrong")
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out"
    refused = attempt(PASSWORD, HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert refused.status_code == 429
    assert set(refused.json()) == {"message", "code", "extra"}
    assert refused.json()["code"] == "locked_out"
    assert refused["Retry-After"] == "900"
    assert not ApiToken.objects.filter(user=owner).exists()
    kinds = set(SignInEvent.objects.values_list("kind", "channel"))
    assert (SignInEvent.Kind.REFUSED_LOCKED, SignInEvent.Channel.API) in kinds
    assert (SignInEvent.Kind.LOCKED_OUT, SignInEvent.Channel.API) in kinds


def test_the_lock_is_shared_by_browser_admin_and_api(client, owner):
    """One account, one address, one count: failures on the page lock the token endpoint."""
    fail(client, owner.username, 5)
    refused = APIClient().post(
        TOKEN, {"username": owner.username, "password": PASSWORD}, format="json"
    )
    assert refused.status_code == 429


def test_unlock_lets_the_right_password_in_again(client, owner, officer, settings):
    settings.AIMS_LOCKOUT_ACCOUNT_FAILURES = 6
    fail(client, owner.username, 5)
    fail(client, owner.username, 1, REMOTE_ADDR="198.51.100.1")  # the account-wide lock too
    assert browser(client, owner.username, PASSWORD, REMOTE_ADDR="198.51.100.2").status_code == 429
    account_unlock(actor=officer, username=owner.username)
    assert browser(client, owner.username, PASSWORD).status_code == 302
    client.logout()
    assert browser(client, owner.username, PASSWORD, REMOTE_ADDR="198.51.100.2").status_code == 302


def test_axes_reset_username_command_unlocks(client, owner):
    fail(client, owner.username, 5)
    assert browser(client, owner.username, PASSWORD).status_code == 429
    call_command("axes_reset_username", owner.username)
    assert browser(client, owner.username, PASSWORD).status_code == 302


def test_token_throttle_counts_the_real_address_not_x_forwarded_for(owner, settings):
    """A spray over many accounts from one address, each try with a new X-Forwarded-For."""
    settings.AIMS_TRUSTED_PROXY_COUNT = 0
    api = APIClient()
    codes = [
        api.post(
            TOKEN,
            {"username": f"user{n}", "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"10.0.{n}.1",
        ).status_code
        for n in range(21)
    ]
    assert codes[:20] == [400] * 20
    assert codes[20] == 429
