import pytest
from rest_framework.test import APIClient

from aims.accounts.models import ApiToken, hash_secret
from tests.factories import PASSWORD

from .conftest import api_url

pytestmark = pytest.mark.django_db


def test_token_flow_end_to_end(owner, system):
    client = APIClient()
    response = client.post(
        api_url("token"), {"username": owner.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    issued = ApiToken.objects.get(user=owner)
    assert issued.key_hash == hash_secret(token) and issued.name == "Signed in through the API"

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get(api_url("me"))
    assert me.status_code == 200
    assert me.json()["username"] == owner.username
    systems = client.get(api_url("system-list"))
    assert systems.status_code == 200
    assert [row["reference"] for row in systems.json()["results"]] == [system.reference]


def test_each_exchange_issues_a_new_token_and_keeps_only_the_newest(owner, settings):
    """A hashed secret cannot be handed out twice: each exchange makes a token, and only the
    newest AIMS_TOKEN_SIGNIN_KEEP stay active (the oldest are revoked)."""
    settings.AIMS_TOKEN_SIGNIN_KEEP = 2
    client = APIClient()
    body = {"username": owner.username, "password": PASSWORD}
    secrets = [client.post(api_url("token"), body, format="json").json()["token"] for _ in range(3)]
    assert len(set(secrets)) == 3
    active = ApiToken.objects.filter(user=owner, revoked_at__isnull=True)
    assert {t.key_hash for t in active} == {hash_secret(s) for s in secrets[1:]}
    client.credentials(HTTP_AUTHORIZATION=f"Token {secrets[0]}")
    assert client.get(api_url("me")).status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {secrets[2]}")
    assert client.get(api_url("me")).status_code == 200


def test_bad_credentials_answer_400_with_field_errors(owner):
    response = APIClient().post(
        api_url("token"), {"username": owner.username, "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert "non_field_errors" in body["extra"]["fields"]
    assert not ApiToken.objects.filter(user=owner).exists()


def test_missing_credentials_answer_400_per_field():
    response = APIClient().post(api_url("token"), {}, format="json")
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {"username", "password"}


def test_inactive_user_gets_no_token(owner):
    owner.is_active = False
    owner.save()
    response = APIClient().post(
        api_url("token"), {"username": owner.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400


def test_wrong_token_answers_401():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = client.get(api_url("me"))
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_token_endpoint_is_throttled(owner, settings):
    """Per client address, whatever the account: a password sprayed over many accounts (each
    below its lockout) is throttled after 20 tries a minute."""
    client = APIClient()
    codes = [
        client.post(
            api_url("token"), {"username": f"user{n}", "password": "wrong"}, format="json"
        ).status_code
        for n in range(21)
    ]
    assert codes[:20] == [400] * 20
    assert codes[20] == 429


@pytest.mark.parametrize(
    "name,args",
    [
        ("me", ()),
        ("system-list", ()),
        ("system-detail", (1,)),
        ("component-list", ()),
        ("dataset-list", ()),
        ("approval-list", ()),
        ("validationrecord-list", ()),
        ("changerequest-list", ()),
        ("gatesetting-list", ()),
        ("evidence-list", ()),
        ("notification-list", ()),
        ("system-history", (1,)),
    ],
)
def test_anonymous_is_refused_everywhere(name, args):
    response = APIClient().get(api_url(name, *args))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert set(response.json()) == {"message", "code", "extra"}


def test_anonymous_cannot_write(system):
    response = APIClient().post(
        api_url("system-transition", system.pk), {"action": "start_triage"}, format="json"
    )
    assert response.status_code == 401
    system.refresh_from_db()
    assert system.lifecycle_stage == "intake_submitted"


@pytest.mark.parametrize(
    "user_fixture,roles,capabilities",
    [
        (
            "officer",
            ["Governance officer"],
            {"submit_intake", "triage", "configure_gates", "add_evidence"},
        ),
        ("approver", ["Approver"], {"decide_gates", "add_evidence"}),
        ("owner", ["System owner"], {"submit_intake", "add_evidence"}),
        ("auditor", ["Auditor"], {"read_only"}),
        ("nobody", [], {"read_only"}),
    ],
)
def test_me_reports_roles_and_capabilities(request, api_as, user_fixture, roles, capabilities):
    user = request.getfixturevalue(user_fixture)
    body = api_as(user).get(api_url("me")).json()
    assert body["username"] == user.username
    assert body["full_name"] == user.get_full_name()
    assert body["roles"] == roles
    assert {name for name, allowed in body["capabilities"].items() if allowed} == capabilities
