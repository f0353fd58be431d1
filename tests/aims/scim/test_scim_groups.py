"""SCIM Groups map to roles: membership grants and removes the mapped role; the Certification
auditor role is never granted; roles given in AIMS by hand stay; removed groups are kept."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from aims.roles import APPROVER, AUDITOR, CERT_AUDITOR, OFFICER, OWNER
from aims.scim import services
from aims.scim.models import ScimEvent, ScimGroup, ScimIdentity

from ...factories import UserFactory, user_with_role
from .conftest import group_body, user_body

pytestmark = pytest.mark.django_db
User = get_user_model()


def roles(user) -> set[str]:
    return set(user.groups.values_list("name", flat=True))


def new_user(scim, name):
    response = scim.post("/Users", user_body(name))
    assert response.status_code == 201, response.content
    return User.objects.get(pk=response.doc["id"])


def test_default_mapping_groups_named_as_roles(scim):
    alice, bob = new_user(scim, "alice"), new_user(scim, "bob")
    response = scim.post("/Groups", group_body(APPROVER, [alice.pk, bob.pk]))
    assert response.status_code == 201, response.content
    assert {m["value"] for m in response.doc["members"]} == {str(alice.pk), str(bob.pk)}
    assert roles(alice) == roles(bob) == {APPROVER}
    other = scim.post("/Groups", group_body("Marketing", [alice.pk]))
    assert other.status_code == 201
    assert ScimGroup.objects.get(pk=other.doc["id"]).role == ""
    assert roles(alice) == {APPROVER}


def test_configured_mapping_json_and_pairs(scim, settings):
    settings.AIMS_SCIM_GROUP_ROLES = '{"AIMS Officers": "Governance officer"}'
    carol = new_user(scim, "carol")
    scim.post("/Groups", group_body("aims officers", [carol.pk]))
    assert roles(carol) == {OFFICER}
    settings.AIMS_SCIM_GROUP_ROLES = "AIMS Auditors=Auditor; AIMS Owners=System owner"
    assert services.parse_group_roles(settings.AIMS_SCIM_GROUP_ROLES) == {
        "aims auditors": AUDITOR,
        "aims owners": OWNER,
    }
    # With a configured mapping, a group named like a role grants nothing unless listed.
    scim.post("/Groups", group_body(APPROVER, [carol.pk]))
    assert roles(carol) == {OFFICER}


def test_membership_add_remove_and_okta_filter_path(scim):
    dave = new_user(scim, "dave")
    gid = scim.post("/Groups", group_body(OWNER)).doc["id"]
    path = f"/Groups/{gid}"
    assert (
        scim.patch(
            path, [{"op": "add", "path": "members", "value": [{"value": str(dave.pk)}]}]
        ).status_code
        == 200
    )
    assert roles(dave) == {OWNER}
    # Okta removes one member by a filter path.
    response = scim.patch(path, [{"op": "remove", "path": f'members[value eq "{dave.pk}"]'}])
    assert response.status_code == 200, response.content
    assert roles(dave) == set()
    # Azure AD removes with a value list.
    scim.patch(path, [{"op": "add", "path": "members", "value": [{"value": str(dave.pk)}]}])
    scim.patch(path, [{"op": "Remove", "path": "members", "value": [{"value": str(dave.pk)}]}])
    assert roles(dave) == set()
    ops = list(ScimEvent.objects.filter(target_user=dave).values_list("operation", flat=True))
    assert ops.count("role_grant") == 2 and ops.count("role_remove") == 2


def test_role_held_through_two_groups_stays_until_the_last(scim, settings):
    settings.AIMS_SCIM_GROUP_ROLES = "Team A=System owner;Team B=System owner"
    erin = new_user(scim, "erin")
    a = scim.post("/Groups", group_body("Team A", [erin.pk])).doc["id"]
    b = scim.post("/Groups", group_body("Team B", [erin.pk])).doc["id"]
    scim.patch(
        f"/Groups/{a}", [{"op": "remove", "path": "members", "value": [{"value": str(erin.pk)}]}]
    )
    assert roles(erin) == {OWNER}
    assert scim.delete(f"/Groups/{b}").status_code == 204
    assert roles(erin) == set()


def test_role_given_by_hand_is_not_taken_back(scim):
    frank = user_with_role(OWNER, username="frank")
    gid = scim.post("/Groups", group_body(OWNER, [frank.pk])).doc["id"]
    scim.patch(
        f"/Groups/{gid}", [{"op": "remove", "path": "members", "value": [{"value": str(frank.pk)}]}]
    )
    assert roles(frank) == {OWNER}
    assert ScimIdentity.objects.get(user=frank).granted_roles == []


def test_put_replaces_members_and_rename_follows_the_mapping(scim, settings):
    settings.AIMS_SCIM_GROUP_ROLES = "Staff=System owner;Reviewers=Approver"
    gina, hank = new_user(scim, "gina"), new_user(scim, "hank")
    gid = scim.post("/Groups", group_body("Staff", [gina.pk])).doc["id"]
    response = scim.put(f"/Groups/{gid}", group_body("Staff", [hank.pk]))
    assert response.status_code == 200, response.content
    assert (roles(gina), roles(hank)) == (set(), {OWNER})
    # Azure AD renames with a path; the new name's mapping applies.
    response = scim.patch(
        f"/Groups/{gid}", [{"op": "Replace", "path": "displayName", "value": "Reviewers"}]
    )
    assert response.status_code == 200, response.content
    assert response.doc["displayName"] == "Reviewers"
    assert roles(hank) == {APPROVER}


def test_group_delete_keeps_the_record_hidden(scim):
    ivan = new_user(scim, "ivan")
    gid = scim.post("/Groups", group_body(AUDITOR, [ivan.pk])).doc["id"]
    assert scim.delete(f"/Groups/{gid}").status_code == 204
    assert roles(ivan) == set()
    assert ScimGroup.objects.get(pk=gid).removed_at is not None
    assert scim.call("get", f"/Groups/{gid}").status_code == 404
    assert scim.list("/Groups").doc["totalResults"] == 0
    # The name is free again.
    assert scim.post("/Groups", group_body(AUDITOR)).status_code == 201


def test_group_filters(scim):
    scim.post("/Groups", group_body("Alpha"))
    scim.post("/Groups", {**group_body("Beta"), "externalId": "g-b"})
    one = scim.list("/Groups", filter='displayName eq "Alpha"')
    assert [g["displayName"] for g in one.doc["Resources"]] == ["Alpha"]
    assert (
        scim.list("/Groups", filter='externalId eq "g-b"').doc["Resources"][0]["displayName"]
        == "Beta"
    )


def test_certification_auditor_group_is_refused(scim):
    judy = new_user(scim, "judy")
    for name in (CERT_AUDITOR, "certification AUDITOR"):
        response = scim.post("/Groups", group_body(name, [judy.pk]))
        assert response.status_code == 403, response.content
        assert "Certification auditor" in response.doc["detail"]
        assert "certification workflow" in response.doc["detail"]
    assert not ScimGroup.objects.exists()
    assert roles(judy) == set()
    # Nor by renaming a group.
    gid = scim.post("/Groups", group_body("Readers", [judy.pk])).doc["id"]
    response = scim.patch(
        f"/Groups/{gid}", [{"op": "replace", "path": "displayName", "value": CERT_AUDITOR}]
    )
    assert response.status_code == 403
    assert ScimGroup.objects.get(pk=gid).display_name == "Readers"


def test_mapping_to_certification_auditor_is_a_configuration_error(scim, settings):
    settings.AIMS_SCIM_GROUP_ROLES = "Externals=Certification auditor"
    with pytest.raises(ImproperlyConfigured):
        services.parse_group_roles(settings.AIMS_SCIM_GROUP_ROLES)
    with pytest.raises(SystemCheckError, match="Certification auditor"):
        call_command("check")
    kim = new_user(scim, "kim")
    response = scim.post("/Groups", group_body("Externals", [kim.pk]))
    assert response.status_code >= 400 and response.status_code != 201
    assert roles(kim) == set()
    for bad in ("Externals=Superuser", "no equals sign", '["x"]'):
        with pytest.raises(ImproperlyConfigured):
            services.parse_group_roles(bad)


def test_certification_auditor_account_is_left_to_its_workflow(scim):
    external = UserFactory(username="cb-auditor")
    external.groups.add(Group.objects.get(name=CERT_AUDITOR))
    gid = scim.post("/Groups", group_body(OFFICER)).doc["id"]
    response = scim.patch(
        f"/Groups/{gid}", [{"op": "add", "path": "members", "value": [{"value": str(external.pk)}]}]
    )
    assert response.status_code == 403
    assert "certification" in response.doc["detail"]
    assert roles(external) == {CERT_AUDITOR}
    response = scim.patch(
        f"/Users/{external.pk}", [{"op": "replace", "path": "active", "value": False}]
    )
    assert response.status_code == 403
    external.refresh_from_db()
    assert external.is_active


@pytest.mark.parametrize(
    "operations",
    [
        [{"op": "add", "path": "members", "value": [{"value": "abc"}]}],
        [{"op": "add", "path": "members", "value": [{"value": "999999"}]}],
        [{"op": "add", "path": "members", "value": "everyone"}],
        [{"op": "replace", "path": "displayName", "value": ""}],
        [{"op": "replace", "path": "displayName", "value": "x" * 256}],
        [{"op": "remove", "path": "displayName"}],
        [{"op": "replace", "path": "owner", "value": "x"}],
        [{"op": "add", "path": 'members[value eq "1"]', "value": "x"}],
    ],
)
def test_bad_group_patch_is_400_and_changes_nothing(scim, operations):
    lee = new_user(scim, "lee")
    gid = scim.post("/Groups", group_body(OWNER, [lee.pk])).doc["id"]
    response = scim.patch(f"/Groups/{gid}", operations)
    assert response.status_code == 400, response.content
    assert response.doc["detail"]
    group = ScimGroup.objects.get(pk=gid)
    assert (group.display_name, list(group.members.all())) == (OWNER, [lee])


def test_bad_group_post_is_400_and_duplicate_409(scim):
    assert scim.post("/Groups", {"displayName": ""}).status_code == 400
    assert (
        scim.post("/Groups", {"displayName": "X", "members": [{"value": "42x"}]}).status_code == 400
    )
    assert scim.post("/Groups", group_body("Dup")).status_code == 201
    response = scim.post("/Groups", group_body("dup"))
    assert response.status_code == 409 and response.doc["scimType"] == "uniqueness"


def test_discovery_endpoints(scim):
    config = scim.call("get", "/ServiceProviderConfig")
    assert config.status_code == 200
    assert config.doc["patch"]["supported"] is True
    assert config.doc["filter"]["supported"] is True
    assert config.doc["changePassword"]["supported"] is False
    assert config.doc["authenticationSchemes"][0]["type"] == "oauthbearertoken"
    types = scim.call("get", "/ResourceTypes")
    assert {t["endpoint"] for t in types.doc["Resources"]} == {"/scim/v2/Users", "/scim/v2/Groups"}
    schemas = scim.call("get", "/Schemas")
    assert "urn:ietf:params:scim:schemas:core:2.0:User" in {
        s["id"] for s in schemas.doc["Resources"]
    }
    assert scim.call("get", "/Bulk").status_code == 501


def test_admin_changes_a_groups_role_and_members_follow(scim, client):
    mia = new_user(scim, "mia")
    gid = scim.post("/Groups", group_body("Contractors", [mia.pk])).doc["id"]
    assert roles(mia) == set()
    admin = UserFactory(username="boss", is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.post(f"/admin/aims/scimgroup/{gid}/change/", {"role": OWNER})
    assert response.status_code == 302, response.content
    assert roles(mia) == {OWNER}
    event = ScimEvent.objects.get(operation="group_role_change")
    assert event.actor == admin and event.client is None
    # The admin offers no Certification auditor role.
    response = client.post(f"/admin/aims/scimgroup/{gid}/change/", {"role": CERT_AUDITOR})
    assert response.status_code == 200  # the form refuses the choice
    assert roles(mia) == {OWNER}
    client.post(f"/admin/aims/scimgroup/{gid}/change/", {"role": ""})
    assert roles(mia) == set()


def test_admin_creates_a_client_and_shows_the_token_once(scim_enabled, client):
    admin = UserFactory(username="boss2", is_superuser=True, is_staff=True)
    client.force_login(admin)
    response = client.post("/admin/aims/scimclient/add/", {"name": "Okta"}, follow=True)
    assert response.status_code == 200
    text = response.content.decode()
    token = text.split("copy it into the identity provider now): ", 1)[1].split("<", 1)[0].strip()
    from .conftest import ScimCaller

    assert ScimCaller(token).call("get", "/Users").status_code == 200
    # A staff member who is not a superuser cannot add clients.
    staff = UserFactory(username="staff", is_staff=True)
    client.force_login(staff)
    assert client.get("/admin/aims/scimclient/add/").status_code == 403


def test_events_are_append_only(scim):
    new_user(scim, "nina")
    event = ScimEvent.objects.get(operation="user_create")
    event.summary = "rewritten"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


# serialized_rollback: the flush after the test would otherwise drop the role groups that
# the migrations made, for every test after it.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_writes_commit_on_their_own(scim_enabled):
    """Each SCIM request commits on its own (on PostgreSQL the commit-time checks run):
    provisioning, a group with a role, deprovisioning, an admin's role change."""
    from .conftest import ScimCaller

    client, token = services.client_create(name="Committed")
    scim = ScimCaller(token)
    uid = scim.post("/Users", user_body("olga")).doc["id"]
    gid = scim.post("/Groups", group_body(OWNER, [uid])).doc["id"]
    assert roles(User.objects.get(pk=uid)) == {OWNER}
    assert (
        scim.patch(f"/Users/{uid}", [{"op": "replace", "value": {"active": False}}]).status_code
        == 200
    )
    group = ScimGroup.objects.get(pk=gid)
    services.group_set_role(
        admin=UserFactory(username="root2", is_superuser=True), group=group, role=AUDITOR
    )
    assert roles(User.objects.get(pk=uid)) == {AUDITOR}
    services.client_revoke(client=client)
    ops = set(ScimEvent.objects.values_list("operation", flat=True))
    assert {"client_create", "client_revoke", "group_role_change", "user_deactivate"} <= ops
