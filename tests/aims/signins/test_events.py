"""The sign-in audit: what is recorded, who reads it (officers and administrators only), the
unlock action, and that the record is append-only."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from rest_framework.test import APIClient

from aims.errors import RuleForbidden
from aims.signins.models import SignInEvent
from aims.signins.services import account_unlock
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
EVENTS = reverse("signins:event_list")
UNLOCK = reverse("signins:unlock")
API_EVENTS = reverse("api:signinevent-list")
TOKEN = reverse("api:token")


def sign_in(client, username, password, **extra):
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def test_success_failure_and_sign_out_are_recorded_with_address_and_browser(client, owner):
    sign_in(client, owner.username, "wrong", HTTP_USER_AGENT="Firefox/140 " + "x" * 400)
    sign_in(client, "no-such-user", "wrong")
    sign_in(client, owner.username, PASSWORD, REMOTE_ADDR="198.51.100.4")
    client.post(reverse("logout"))
    events = list(SignInEvent.objects.order_by("id"))
    assert [(e.kind, e.username, e.user_id) for e in events] == [
        (SignInEvent.Kind.FAILED, owner.username, owner.pk),
        (SignInEvent.Kind.FAILED, "no-such-user", None),
        (SignInEvent.Kind.SIGNED_IN, owner.username, owner.pk),
        (SignInEvent.Kind.SIGNED_OUT, owner.username, owner.pk),
    ]
    assert {e.channel for e in events} == {SignInEvent.Channel.BROWSER}
    assert events[0].user_agent.startswith("Firefox/140") and len(events[0].user_agent) == 255
    assert events[2].client_address == "198.51.100.4"


def test_a_token_issued_is_recorded(owner):
    response = APIClient().post(
        TOKEN, {"username": owner.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    event = SignInEvent.objects.get()
    assert (event.kind, event.channel, event.user) == (
        SignInEvent.Kind.SIGNED_IN, SignInEvent.Channel.API, owner,
    )  # fmt: skip


def test_officers_read_the_page_with_filters_others_are_refused(
    client_as, owner, officer, auditor, approver, nobody, client
):
    sign_in(client, owner.username, "wrong")
    sign_in(client, "intruder", "wrong", REMOTE_ADDR="203.0.113.50")
    assert client.get(EVENTS).status_code == 302  # anonymous: to the sign-in page
    for user in (owner, auditor, approver, nobody):
        assert client_as(user).get(EVENTS).status_code == 403, user
    page = client_as(officer).get(EVENTS)
    assert page.status_code == 200
    assert b"intruder" in page.content and b"203.0.113.50" in page.content
    filtered = client_as(officer).get(EVENTS, {"q": "203.0.113"})
    assert b"intruder" in filtered.content
    assert f"({owner.username})".encode() not in filtered.content
    by_user = client_as(officer).get(EVENTS, {"user": owner.username, "kind": "failed"})
    assert list(by_user.context["events"]) == list(
        SignInEvent.objects.filter(username=owner.username, kind="failed")
    )
    empty = client_as(officer).get(EVENTS, {"date_from": "2001-01-01", "date_to": "2001-01-02"})
    assert list(empty.context["events"]) == []


def test_superusers_read_and_unlock(client, django_user_model):
    admin = django_user_model.objects.create_superuser("root_s", "r@example.org", PASSWORD)
    client.force_login(admin)
    assert client.get(EVENTS).status_code == 200
    assert client.get(UNLOCK, {"username": "someone"}).status_code == 200


def test_api_lists_events_for_officers_only(api_as, owner, officer, auditor, client,
                                            django_assert_max_num_queries):  # fmt: skip
    for n in range(5):
        sign_in(client, owner.username, "wrong", REMOTE_ADDR=f"198.51.100.{n + 1}")
    sign_in(client, owner.username, PASSWORD, REMOTE_ADDR="198.51.100.9")
    assert APIClient().get(API_EVENTS).status_code == 401
    refused = api_as(auditor).get(API_EVENTS)
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    assert api_as(owner).get(API_EVENTS).status_code == 403
    with django_assert_max_num_queries(4):
        response = api_as(officer).get(API_EVENTS, {"kind": "signed_in"})
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert (row["username"], row["user"], row["client_address"], row["channel"]) == (
        owner.username, owner.pk, "198.51.100.9", "browser",
    )  # fmt: skip
    assert api_as(officer).get(API_EVENTS, {"user": owner.username}).json()["count"] == 6
    bad = api_as(officer).get(API_EVENTS, {"date_from": "not a date"})
    assert bad.status_code == 400 and "date_from" in bad.json()["extra"]["fields"]
    backwards = api_as(officer).get(
        API_EVENTS, {"date_from": "2026-02-01", "date_to": "2026-01-01"}
    )
    assert backwards.status_code == 400


def test_officer_unlocks_after_confirming_and_the_record_says_who(
    client, client_as, owner, officer
):
    for _ in range(5):
        sign_in(client, owner.username, "wrong")
    assert sign_in(client, owner.username, PASSWORD).status_code == 429
    officer_client = client_as(officer)
    page = officer_client.get(EVENTS)
    assert f"{UNLOCK}?username={owner.username}".encode() in page.content
    confirm = officer_client.get(UNLOCK, {"username": owner.username})
    assert confirm.status_code == 200 and b"Unlock the account" in confirm.content
    done = officer_client.post(UNLOCK, {"username": owner.username})
    assert done.status_code == 302
    event = SignInEvent.objects.get(kind=SignInEvent.Kind.UNLOCKED)
    assert (event.username, event.user, event.actor) == (owner.username, owner, officer)
    officer_client.logout()
    assert sign_in(client, owner.username, PASSWORD).status_code == 302


def test_non_officers_cannot_unlock(client, client_as, owner, auditor, approver):
    for _ in range(5):
        sign_in(client, owner.username, "wrong")
    for user in (auditor, approver, owner):
        assert client_as(user).post(UNLOCK, {"username": owner.username}).status_code == 403
        assert client_as(user).get(UNLOCK, {"username": owner.username}).status_code == 403
    with pytest.raises(RuleForbidden):
        account_unlock(actor=auditor, username=owner.username)
    client.logout()
    assert sign_in(client, owner.username, PASSWORD).status_code == 429
    assert not SignInEvent.objects.filter(kind=SignInEvent.Kind.UNLOCKED).exists()


def test_unlock_without_a_username_is_a_form_error(client_as, officer):
    response = client_as(officer).post(UNLOCK, {"username": ""})
    assert response.status_code == 400
    assert not SignInEvent.objects.filter(kind=SignInEvent.Kind.UNLOCKED).exists()


def test_events_are_append_only(client, owner, django_user_model):
    sign_in(client, owner.username, "wrong")
    event = SignInEvent.objects.get()
    event.kind = SignInEvent.Kind.SIGNED_IN
    with pytest.raises(PermissionDenied):
        event.save()
    with pytest.raises(PermissionDenied):
        event.delete()
    assert SignInEvent.objects.get(pk=event.pk).kind == SignInEvent.Kind.FAILED
    admin = django_user_model.objects.create_superuser("root_a", "r@example.org", PASSWORD)
    client.force_login(admin)
    change = reverse("admin:aims_signinevent_change", args=[event.pk])
    assert client.post(change, {"kind": "signed_in"}).status_code == 403
    assert SignInEvent.objects.get(pk=event.pk).kind == SignInEvent.Kind.FAILED
    delete = reverse("admin:aims_signinevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert SignInEvent.objects.filter(pk=event.pk).exists()
