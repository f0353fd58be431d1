"""/api/v1/tokens/ and /api/v1/service-accounts/: list, create (secret once), revoke."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from aims.accounts.models import ApiToken, ServiceAccount, TokenEvent, hash_secret
from aims.roles import AUDITOR, CERT_AUDITOR, OWNER
from tests.factories import make_token

pytestmark = pytest.mark.django_db
TOKENS = "/api/v1/tokens/"
ACCOUNTS = "/api/v1/service-accounts/"


def api_with(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def test_create_shows_the_secret_once(api_as, owner):
    client = api_as(owner)
    response = client.post(
        TOKENS, {"name": "Monitoring push", "scopes": {"incidents": "write"}}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    secret = body["secret"]
    assert body["prefix"] == secret[:12] and body["scopes"] == {"incidents": "write"}
    assert body["status"] == "active" and body["expires_at"]
    assert ApiToken.objects.get(pk=body["id"]).key_hash == hash_secret(secret)
    again = client.get(f"{TOKENS}{body['id']}/").json()
    assert "secret" not in again and secret not in str(again)
    assert secret not in str(client.get(TOKENS).json())
    assert api_with(secret).get("/api/v1/incidents/").status_code == 200


@pytest.mark.parametrize(
    "payload,field_or_code",
    [
        ({"name": "x", "scopes": {"nowhere": "read"}}, "scopes"),
        ({"name": "x", "scopes": {"risk": "admin"}}, "scopes"),
        ({"name": "x", "scopes": {}}, "scopes"),
        ({"scopes": {"risk": "read"}}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "x", "expires_at": None}, "token_expiry_required"),
        ({"name": "x", "expires_at": "2099-01-01T00:00:00Z"}, "token_expiry_too_long"),
        ({"name": "x", "expires_at": "2001-01-01T00:00:00Z"}, "token_expiry_past"),
        ({"name": "x", "revoked_at": "2001-01-01T00:00:00Z"}, "revoked_at"),
    ],
)
def test_bad_input_is_a_400_that_names_it(api_as, owner, payload, field_or_code):
    response = api_as(owner).post(TOKENS, payload, format="json")
    assert response.status_code == 400, response.json()
    body = response.json()
    assert field_or_code == body["code"] or field_or_code in body["extra"]["fields"]
    assert not ApiToken.objects.exists()


def test_a_name_in_use_is_refused(api_as, owner):
    make_token(owner, name="Exporter")
    response = api_as(owner).post(TOKENS, {"name": "Exporter"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "token_name_taken"


def test_others_cannot_see_or_revoke_your_tokens(api_as, owner, other_owner, approver):
    secret = make_token(owner)
    token = ApiToken.objects.get(user=owner)
    for user in (other_owner, approver):
        client = api_as(user)
        assert client.get(f"{TOKENS}{token.pk}/").status_code == 404
        assert client.delete(f"{TOKENS}{token.pk}/").status_code == 404
        assert client.get(TOKENS, {"user": owner.pk}).json()["count"] == 0
    assert api_with(secret).get("/api/v1/me/").status_code == 200


def test_revoke_is_a_soft_delete(api_as, owner):
    secret = make_token(owner)
    token = ApiToken.objects.get(user=owner)
    client = api_as(owner)
    assert client.delete(f"{TOKENS}{token.pk}/").status_code == 204
    token.refresh_from_db()
    assert token.revoked_at and token.revoked_by == owner
    assert client.get(f"{TOKENS}{token.pk}/").json()["status"] == "revoked"
    assert api_with(secret).get("/api/v1/me/").status_code == 401
    again = client.delete(f"{TOKENS}{token.pk}/")
    assert again.status_code == 409 and again.json()["code"] == "already_revoked"
    assert list(TokenEvent.objects.values_list("kind", flat=True)) == ["created", "revoked"]


def test_officers_list_and_revoke_anyones_tokens(api_as, owner, officer):
    make_token(owner)
    token = ApiToken.objects.get(user=owner)
    client = api_as(officer)
    assert client.get(TOKENS).json()["count"] == 0  # their own by default
    listed = client.get(TOKENS, {"user": owner.pk}).json()
    assert [row["id"] for row in listed["results"]] == [token.pk]
    assert client.delete(f"{TOKENS}{token.pk}/").status_code == 204
    token.refresh_from_db()
    assert token.revoked_by == officer and token.revoked_reason == "Revoked by an officer"


def test_auditors_list_their_own_and_their_tokens_stay_read_only(api_as, django_user_model):
    from tests.factories import user_with_role

    auditor = user_with_role(AUDITOR)
    created = api_as(auditor).post(TOKENS, {"name": "Reader"}, format="json")
    assert created.status_code == 201
    client = api_with(created.json()["secret"])
    assert client.get(TOKENS).json()["count"] == 1
    response = client.post("/api/v1/risks/", {"title": "x"}, format="json")
    assert response.status_code == 403


def test_a_token_makes_tokens_only_within_its_scopes(owner):
    client = api_with(make_token(owner, scopes={"accounts": "write", "risk": "read"}))
    wider = client.post(TOKENS, {"name": "wider", "scopes": {"risk": "write"}}, format="json")
    assert wider.status_code == 403 and wider.json()["code"] == "token_scope"
    ok = client.post(TOKENS, {"name": "narrower", "scopes": {"risk": "read"}}, format="json")
    assert ok.status_code == 201
    no_accounts = api_with(make_token(owner, scopes={"risk": "write"}))
    refused = no_accounts.get(TOKENS)
    assert refused.status_code == 403 and refused.json()["code"] == "token_scope"


def test_token_list_costs_the_same_whatever_its_size(api_as, officer, owner,
                                                    django_assert_max_num_queries):  # fmt: skip
    client = api_as(officer)
    for n in range(3):
        make_token(owner, name=f"t{n}")
    with django_assert_max_num_queries(8) as few:
        client.get(TOKENS, {"user": owner.pk})
    for n in range(3, 12):
        make_token(owner, name=f"t{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(TOKENS, {"user": owner.pk}).json()["count"] == 12


def test_service_accounts_are_for_officers(api_as, officer, owner, auditor):
    payload = {"name": "Monitoring bridge", "owner": owner.pk, "roles": [OWNER]}
    for user in (owner, auditor):
        assert api_as(user).post(ACCOUNTS, payload, format="json").status_code == 403
        assert api_as(user).get(ACCOUNTS).status_code == 403
    client = api_as(officer)
    response = client.post(ACCOUNTS, payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["roles"] == [OWNER] and body["is_active"] and body["username"].startswith("svc-")
    account = ServiceAccount.objects.get(pk=body["id"])
    assert not account.user.has_usable_password()
    assert account.history.count() == 1
    refused = client.post(
        ACCOUNTS, {**payload, "name": "Other", "roles": [CERT_AUDITOR]}, format="json"
    )
    assert refused.status_code == 400


def test_service_account_tokens_and_deactivation(api_as, officer, owner, system):
    client = api_as(officer)
    account = client.post(
        ACCOUNTS, {"name": "Inventory sync", "owner": owner.pk, "roles": [OWNER]}, format="json"
    ).json()
    created = client.post(
        TOKENS,
        {"name": "sync", "user": account["user_id"], "scopes": {"inventory": "read"}},
        format="json",
    )
    assert created.status_code == 201, created.json()
    secret = created.json()["secret"]
    assert api_with(secret).get("/api/v1/me/").json()["username"] == account["username"]
    # The owner cannot make tokens for it; only officers (and not for other people).
    refused = api_as(owner).post(
        TOKENS, {"name": "mine", "user": account["user_id"]}, format="json"
    )
    assert refused.status_code == 403
    assert api_as(officer).post(
        TOKENS, {"name": "x", "user": owner.pk}, format="json"
    ).status_code == 403  # fmt: skip
    response = client.patch(f"{ACCOUNTS}{account['id']}/", {"is_active": False}, format="json")
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert api_with(secret).get("/api/v1/me/").status_code == 401
    assert ApiToken.objects.get(user_id=account["user_id"]).revoked_at is not None


def test_the_tokens_api_is_in_the_schema(api_as, owner):
    schema = api_as(owner).get("/api/schema/", {"format": "json"}).json()
    assert {"get", "post"} <= set(schema["paths"]["/api/v1/tokens/"])
    assert "delete" in schema["paths"]["/api/v1/tokens/{id}/"]
    assert "/api/v1/service-accounts/" in schema["paths"]


def test_an_expired_token_is_listed_as_expired(api_as, owner):
    make_token(owner)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(days=1))
    assert api_as(owner).get(TOKENS).json()["results"][0]["status"] == "expired"
