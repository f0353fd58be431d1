"""SCIM Users: create, read, list with filters and pages, replace, PATCH as Azure AD and Okta
send it, and deprovisioning that ends sign-in, sessions and the API token at once."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client

from aims.roles import OFFICER, OWNER
from aims.scim.models import ScimEvent, ScimIdentity

from ...factories import PASSWORD, UserFactory, user_with_role
from .conftest import ERROR_SCHEMA, USER_SCHEMA, api_token, group_body, user_body

pytestmark = pytest.mark.django_db
User = get_user_model()


def sessions_of(user) -> int:
    return sum(
        1 for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)
    )


def signs_in(username, password=PASSWORD) -> bool:
    browser = Client()
    browser.post("/accounts/login/", {"username": username, "password": password})
    return "_auth_user_id" in browser.session


def assert_bad_request(response, *words):
    assert response.status_code == 400, response.content
    assert response.doc["schemas"] == [ERROR_SCHEMA]
    for word in words:
        assert word in response.doc["detail"]


def test_provision_update_group_role_and_deprovision(scim, settings):
    settings.AIMS_SCIM_GROUP_ROLES = "AIMS owners=System owner"
    # Create.
    created = scim.post("/Users", user_body("alice@example.org", externalId="aad-1"))
    assert created.status_code == 201, created.content
    assert created["Content-Type"] == "application/scim+json"
    uid = created.doc["id"]
    assert created["Location"].endswith(f"/scim/v2/Users/{uid}")
    user = User.objects.get(pk=uid)
    assert (user.username, user.first_name, user.email) == (
        "alice@example.org",
        "Alice",
        "alice@example.org",
    )
    assert user.is_active and not user.is_staff and not user.is_superuser
    assert not user.has_usable_password()  # signs in through SSO
    assert ScimIdentity.objects.get(user=user).external_id == "aad-1"
    assert created.doc["externalId"] == "aad-1"

    # Update name and e-mail (Azure AD's PATCH shape).
    patched = scim.patch(
        f"/Users/{uid}",
        [
            {"op": "Replace", "path": "name.familyName", "value": "Pleasance"},
            {"op": "Replace", "path": 'emails[type eq "work"].value', "value": "ap@example.org"},
        ],
    )
    assert patched.status_code == 200, patched.content
    user.refresh_from_db()
    assert (user.last_name, user.email) == ("Pleasance", "ap@example.org")
    assert patched.doc["name"]["familyName"] == "Pleasance"

    # A group mapped to System owner grants the role.
    group = scim.post("/Groups", group_body("AIMS owners"))
    assert group.status_code == 201, group.content
    added = scim.patch(
        f"/Groups/{group.doc['id']}",
        [{"op": "Add", "path": "members", "value": [{"value": uid}]}],
    )
    assert added.status_code == 200, added.content
    assert list(user.groups.values_list("name", flat=True)) == [OWNER]
    assert scim.call("get", f"/Users/{uid}").doc["groups"][0]["display"] == "AIMS owners"

    # Signed in, with an API token.
    browser = Client()
    browser.force_login(user)
    token = api_token(user)
    assert browser.get("/").status_code == 200
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/me/").status_code == 200
    assert sessions_of(user) == 1

    # Deprovision: active false, as Azure AD sends it (a string).
    off = scim.patch(f"/Users/{uid}", [{"op": "Replace", "path": "active", "value": "False"}])
    assert off.status_code == 200, off.content
    assert off.doc["active"] is False
    user.refresh_from_db()
    assert not user.is_active
    assert sessions_of(user) == 0
    assert api.get("/api/v1/me/").status_code == 401
    page = browser.get("/")
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert ScimEvent.objects.filter(operation="user_deactivate", target_user=user).count() == 1


def test_deactivated_account_cannot_sign_in_and_reactivation_restores_it(scim):
    """An account that existed before SCIM (with a password) is adopted by userName."""
    local = UserFactory(username="carol")
    assert signs_in("carol")
    found = scim.list("/Users", filter='userName eq "CAROL"')
    assert found.doc["totalResults"] == 1
    uid = found.doc["Resources"][0]["id"]
    # Okta's shape: no path, a value object.
    response = scim.patch(f"/Users/{uid}", [{"op": "replace", "value": {"active": False}}])
    assert response.status_code == 200, response.content
    assert not signs_in("carol")
    response = scim.patch(f"/Users/{uid}", [{"op": "replace", "value": {"active": True}}])
    assert response.status_code == 200
    assert signs_in("carol")
    local.refresh_from_db()
    assert local.has_usable_password()  # adopting an account leaves its password alone


def test_put_replaces_and_active_false_deprovisions(scim):
    uid = scim.post("/Users", user_body("dave")).doc["id"]
    user = User.objects.get(pk=uid)
    token = api_token(user)
    body = user_body("dave", active=False)
    body["name"] = {"givenName": "David", "familyName": "Bowman"}
    response = scim.put(f"/Users/{uid}", body)
    assert response.status_code == 200, response.content
    user.refresh_from_db()
    assert (user.first_name, user.last_name, user.is_active) == ("David", "Bowman", False)
    assert Client(HTTP_AUTHORIZATION=f"Token {token}").get("/api/v1/me/").status_code == 401


def test_delete_deactivates_and_keeps_the_record(scim):
    uid = scim.post("/Users", user_body("erin")).doc["id"]
    browser = Client()
    browser.force_login(User.objects.get(pk=uid))
    assert scim.delete(f"/Users/{uid}").status_code == 204
    user = User.objects.get(pk=uid)
    assert not user.is_active
    assert sessions_of(user) == 0
    assert scim.call("get", f"/Users/{uid}").doc["active"] is False


def test_password_in_scim_is_ignored(scim):
    uid = scim.post("/Users", user_body("frank", password="Chosen-by-IdP-1")).doc["id"]
    assert not User.objects.get(pk=uid).has_usable_password()
    scim.patch(f"/Users/{uid}", [{"op": "replace", "path": "password", "value": "x-Y-z-123"}])
    assert not User.objects.get(pk=uid).has_usable_password()
    assert not signs_in("frank", "x-Y-z-123")


def test_attributes_cannot_make_an_administrator(scim):
    body = user_body("grace", is_superuser=True, is_staff=True, roles=[{"value": OFFICER}])
    uid = scim.post("/Users", body).doc["id"]
    user = User.objects.get(pk=uid)
    assert not user.is_superuser and not user.is_staff
    assert not user.groups.exists()


def test_superuser_is_untouched(scim):
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    before = User.objects.filter(pk=admin.pk).values().get()
    path = f"/Users/{admin.pk}"
    responses = [
        scim.patch(path, [{"op": "replace", "path": "active", "value": False}]),
        scim.patch(path, [{"op": "replace", "path": "name.givenName", "value": "Eve"}]),
        scim.put(path, user_body("root", active=False)),
        scim.delete(path),
    ]
    for response in responses:
        assert response.status_code == 403, response.content
        assert "administrator" in response.doc["detail"]
    assert User.objects.filter(pk=admin.pk).values().get() == before
    assert signs_in("root")
    group = scim.post("/Groups", group_body("Governance officer"))
    response = scim.patch(
        f"/Groups/{group.doc['id']}",
        [{"op": "add", "path": "members", "value": [{"value": str(admin.pk)}]}],
    )
    assert response.status_code == 403
    assert not admin.groups.exists()
    assert not ScimEvent.objects.filter(target_user=admin).exists()


def test_duplicate_username_is_409(scim):
    UserFactory(username="heidi")
    response = scim.post("/Users", user_body("HEIDI"))
    assert response.status_code == 409
    assert response.doc["scimType"] == "uniqueness"
    assert User.objects.filter(username__iexact="heidi").count() == 1


@pytest.mark.parametrize(
    ("body", "word"),
    [
        ({"userName": ""}, "userName"),
        ({"userName": "x" * 151}, "userName"),
        ({"userName": "bad name!"}, "userName"),
        ({"userName": 42}, "userName"),
        ({"userName": "ivan", "emails": [{"value": "not-an-email", "primary": True}]}, "emails"),
        ({"userName": "ivan", "emails": "ivan@example.org"}, ""),
        ({"userName": "ivan", "emails": [["x"]]}, "emails"),
        ({"userName": "ivan", "active": "maybe"}, "active"),
        ({"userName": "ivan", "name": "Ivan"}, "name"),
        ({"userName": "ivan", "name": {"givenName": "x" * 151}}, "givenName"),
        ({"userName": "ivan", "externalId": "x" * 256}, "externalId"),
    ],
)
def test_bad_user_input_is_400_with_detail(scim, body, word):
    body = {"schemas": [USER_SCHEMA], **body}
    response = scim.post("/Users", body)
    if body.get("emails") == "ivan@example.org":  # a bare string is taken as the address
        assert response.status_code == 201
        return
    assert_bad_request(response, word)
    assert not User.objects.filter(username="ivan").exists()


def test_bad_json_and_bad_patch_are_400(scim):
    assert_bad_request(scim.post("/Users", raw="{not json"), "JSON")
    assert_bad_request(scim.post("/Users", raw="[]"))
    uid = scim.post("/Users", user_body("judy")).doc["id"]
    path = f"/Users/{uid}"
    assert_bad_request(scim.call("patch", path, {"Operations": "replace"}))
    assert_bad_request(scim.patch(path, [{"op": "explode", "path": "active", "value": False}]))
    assert_bad_request(scim.patch(path, [{"op": "remove"}]))
    assert_bad_request(scim.patch(path, [{"op": "replace", "value": "x"}]))
    assert_bad_request(scim.patch(path, [{"op": "replace", "path": "active", "value": "nope"}]))
    assert_bad_request(scim.patch(path, [{"op": "replace", "path": "id", "value": "7"}]))
    assert_bad_request(
        scim.patch(path, [{"op": "replace", "path": "userName", "value": "no spaces allowed"}]),
        "userName",
    )
    assert_bad_request(scim.patch(path, ["replace"]))
    # A refused PATCH changes nothing, even its valid operations.
    assert_bad_request(
        scim.patch(
            path,
            [
                {"op": "replace", "path": "active", "value": False},
                {"op": "replace", "path": "emails", "value": [{"value": "bad", "primary": True}]},
            ],
        ),
        "emails",
    )
    assert User.objects.get(pk=uid).is_active


@pytest.mark.parametrize("uid", ["abc", "999999", "1 OR 1=1"])
def test_unknown_or_malformed_id_is_404(scim, uid):
    response = scim.call("get", f"/Users/{uid}")
    assert response.status_code == 404
    assert response.doc["schemas"] == [ERROR_SCHEMA]


def test_filters(scim):
    for name in ("kim", "kimberly", "lee"):
        scim.post("/Users", user_body(name, externalId=f"x-{name}"))
    user_with_role(OWNER, username="owner_local", email="owner@corp.example")

    def names(**params):
        response = scim.list("/Users", **params)
        assert response.status_code == 200, response.content
        assert response.doc["totalResults"] == len(response.doc["Resources"])
        return sorted(r["userName"] for r in response.doc["Resources"])

    assert names(filter='userName eq "kim"') == ["kim"]
    assert names(filter='userName eq "KIM"') == ["kim"]
    assert names(filter='userName sw "kim"') == ["kim", "kimberly"]
    assert names(filter='externalId eq "x-lee"') == ["lee"]
    assert names(filter='emails.value eq "owner@corp.example"') == ["owner_local"]
    assert names(filter='userName eq "nobody"') == []
    assert names(filter='userName eq "kim" or userName eq "lee"') == ["kim", "lee"]
    # An injection attempt is only a value.
    assert names(filter="userName eq \"x' OR '1'='1\"") == []
    assert scim.list("/Users", filter='userName eq "x\\" OR 1=1 --"').status_code == 400
    bad = scim.list("/Users", filter="userName eq")
    assert bad.status_code == 400 and bad.doc["scimType"] == "invalidFilter"


def test_pagination(scim):
    for i in range(7):
        scim.post("/Users", user_body(f"page{i}"))
    total = User.objects.count()
    first = scim.list("/Users", startIndex=1, count=3)
    second = scim.list("/Users", startIndex=4, count=3)
    assert first.doc["totalResults"] == total
    assert (first.doc["itemsPerPage"], first.doc["startIndex"]) == (3, 1)
    ids = [r["id"] for r in first.doc["Resources"] + second.doc["Resources"]]
    assert len(set(ids)) == 6
    assert ids == sorted(ids, key=int)
    assert scim.list("/Users", count=0).doc["Resources"] == []
    assert scim.list("/Users", count=10_000).doc["itemsPerPage"] == total  # capped at 200
    for params in ({"startIndex": 0}, {"count": -1}, {"count": "many"}):
        assert scim.list("/Users", **params).status_code == 400


def test_list_costs_a_fixed_number_of_queries(scim, django_assert_max_num_queries):
    for i in range(12):
        scim.post("/Users", user_body(f"q{i}"))
    group = scim.post(
        "/Groups", group_body("System owner", User.objects.values_list("pk", flat=True))
    )
    assert group.status_code == 201
    with django_assert_max_num_queries(8):
        response = scim.list("/Users", count=50)
    assert len(response.doc["Resources"]) == 12
    with django_assert_max_num_queries(8):
        scim.list("/Groups")
