"""API tokens: stored hashed, shown once, expiring, scoped, recording their last use, and
revoked with the account's password or active flag, whatever the path."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from aims.accounts import services
from aims.accounts.models import ApiToken, TokenEvent, UserSession
from aims.accounts.scopes import full_scopes
from tests.factories import PASSWORD, make_token

pytestmark = pytest.mark.django_db
User = get_user_model()
ME = "/api/v1/me/"
SYSTEMS = "/api/v1/systems/"


def api_with(secret: str, **extra) -> APIClient:
    client = APIClient(**extra)
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_the_database_holds_only_a_hash_and_a_short_prefix(owner):
    secret = make_token(owner, name="CI pipeline")
    token = ApiToken.objects.get(user=owner)
    assert secret.startswith("aims_") and len(secret) > 40
    assert token.prefix == secret[:12] and token.key_hash != secret
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {ApiToken._meta.db_table}")
        rows = cursor.fetchall()
        cursor.execute(f"SELECT * FROM {TokenEvent._meta.db_table}")
        rows += cursor.fetchall()
    assert all(secret not in str(value) for row in rows for value in row)
    assert api_with(secret).get(ME).json()["username"] == owner.username


def test_the_token_exchange_still_answers_a_usable_token(owner):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": owner.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200 and set(response.json()) == {"token"}
    token = ApiToken.objects.get(user=owner)
    assert token.scopes == full_scopes() and token.name == "Signed in through the API"
    assert token.expires_at is not None
    assert api_with(response.json()["token"]).get(ME).status_code == 200


def test_an_expired_token_is_refused_with_the_reason(owner):
    secret = make_token(owner)
    ApiToken.objects.filter(user=owner).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = api_with(secret).get(ME)
    assert response.status_code == 401
    assert response.json()["code"] == "token_expired"
    assert "expired" in response.json()["message"]


def test_a_revoked_token_is_refused_with_the_reason(owner):
    secret = make_token(owner)
    services.token_revoke(actor=owner, token=ApiToken.objects.get(user=owner), reason="Leaked")
    response = api_with(secret).get(ME)
    assert response.status_code == 401
    assert response.json()["code"] == "token_revoked"
    assert "Leaked" in response.json()["message"]


def test_an_unknown_token_is_refused():
    response = api_with("aims_not-a-token").get(ME)
    assert response.status_code == 401 and response.json()["code"] == "authentication_failed"


def test_last_use_records_time_and_address_at_most_once_a_minute(owner, settings):
    secret = make_token(owner)
    token = ApiToken.objects.get(user=owner)
    assert token.last_used_at is None
    # No trusted proxy: the client's X-Forwarded-For is ignored.
    api_with(secret, REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="198.51.100.1").get(ME)
    token.refresh_from_db()
    assert token.last_used_ip == "203.0.113.7"
    first = token.last_used_at
    assert first is not None
    api_with(secret, REMOTE_ADDR="203.0.113.7").get(ME)
    token.refresh_from_db()
    assert token.last_used_at == first  # within the minute: not written again
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    settings.AIMS_TRUSTED_PROXY_COUNT = 1
    api_with(secret, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="198.51.100.1").get(ME)
    token.refresh_from_db()
    assert token.last_used_ip == "198.51.100.1" and token.last_used_at > first


def test_a_read_only_token_cannot_write(owner, system):
    secret = make_token(owner, scopes={"inventory": "read"})
    client = api_with(secret)
    assert client.get(SYSTEMS).status_code == 200
    response = client.post(
        f"/api/v1/systems/{system.pk}/transition/", {"action": "start_triage"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "token_scope"
    system.refresh_from_db()
    assert system.lifecycle_stage == "intake_submitted"


def test_a_token_without_the_area_is_refused_there(owner):
    client = api_with(make_token(owner, scopes={"risk": "write"}))
    response = client.get(SYSTEMS)
    assert response.status_code == 403 and response.json()["code"] == "token_scope"
    assert client.get("/api/v1/risks/").status_code == 200
    assert client.get(ME).status_code == 200  # who am I needs no area


def test_a_scope_never_widens_the_roles(auditor, system):
    client = api_with(make_token(auditor))  # every area, write
    assert client.get(SYSTEMS).status_code == 200
    response = client.post(
        f"/api/v1/systems/{system.pk}/transition/", {"action": "start_triage"}, format="json"
    )
    assert response.status_code == 403 and response.json()["code"] == "permission_denied"


def test_owner2_changing_their_password_kills_the_old_token(client):
    from aims.roles import OWNER
    from tests.factories import user_with_role

    owner2 = user_with_role(OWNER, username="owner2")
    secret = make_token(owner2)
    assert api_with(secret).get(ME).status_code == 200
    assert client.login(username="owner2", password=PASSWORD)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "A-new-pass-2026!",
            "new_password2": "A-new-pass-2026!",
        },
    )
    assert response.status_code == 302
    response = api_with(secret).get(ME)
    assert response.status_code == 401 and response.json()["code"] == "token_revoked"
    token = ApiToken.objects.get(user=owner2)
    assert token.revoked_reason == "The password changed"
    assert token.events.filter(kind="revoked").count() == 1
    # The session the change was made in goes on.
    assert client.get(reverse("accounts:token_list")).status_code == 200


def test_set_password_and_save_revokes_tokens(owner):
    secret = make_token(owner)
    owner.set_password("Another-pass-2026!")
    owner.save()
    assert api_with(secret).get(ME).status_code == 401


def test_an_unrelated_save_keeps_tokens(owner, django_assert_max_num_queries):
    secret = make_token(owner)
    owner.first_name = "Renamed"
    owner.save()
    with django_assert_max_num_queries(1):  # last_login only: no lookup of the stored hash
        owner.save(update_fields=["last_login"])
    assert api_with(secret).get(ME).status_code == 200


def test_deactivation_kills_tokens_and_sessions(owner, client):
    secret = make_token(owner)
    client.force_login(owner)
    assert UserSession.objects.filter(user=owner).count() == 1
    owner.is_active = False
    owner.save()
    assert api_with(secret).get(ME).status_code == 401
    assert ApiToken.objects.get(user=owner).revoked_reason == "The account was deactivated"
    assert not UserSession.objects.filter(user=owner).exists()
    response = client.get(reverse("accounts:token_list"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_token_of_an_inactive_user_is_refused_even_unrevoked(owner):
    secret = make_token(owner)
    User.objects.filter(pk=owner.pk).update(is_active=False)  # no signal on a bulk update
    response = api_with(secret).get(ME)
    assert response.status_code == 401 and response.json()["code"] == "account_inactive"


def test_a_token_name_is_unique_among_the_owners_active_tokens(owner, other_owner):
    from aims.errors import BusinessRuleError

    make_token(owner, name="Exporter")
    make_token(other_owner, name="Exporter")  # another owner: fine
    with pytest.raises(BusinessRuleError) as refused:
        make_token(owner, name="exporter")
    assert refused.value.code == "token_name_taken"
    services.token_revoke(actor=owner, token=ApiToken.objects.get(user=owner))
    make_token(owner, name="Exporter")  # the name is free again once revoked


def test_expiry_is_bounded_by_the_settings(owner, settings):
    from aims.errors import BusinessRuleError

    settings.AIMS_TOKEN_MAX_DAYS = 30
    with pytest.raises(BusinessRuleError) as refused:
        make_token(owner, expires_at=timezone.now() + timedelta(days=31))
    assert refused.value.code == "token_expiry_too_long"
    with pytest.raises(BusinessRuleError) as refused:
        make_token(owner, expires_at=None)
    assert refused.value.code == "token_expiry_required"
    settings.AIMS_TOKEN_ALLOW_NO_EXPIRY = True
    secret = make_token(owner, expires_at=None)
    assert api_with(secret).get(ME).status_code == 200
    assert not ApiToken.objects.filter(user=owner).exclude(expires_at=None).exists()
