"""Claims -> roles: the environment's and the admin's mappings, the sync of managed roles,
the roles SSO never grants, and the mappings' admin with its history."""

import pytest
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import transaction

from aims.models import RoleMapping
from aims.roles import APPROVER, AUDITOR, CERT_AUDITOR, OFFICER, OWNER, ROLES
from aims.sso import config
from aims.sso.services import (
    claims_of,
    managed_roles,
    mapped_roles,
    role_names_of,
    sso_roles_sync,
    unique_username,
)
from tests.factories import user_with_role


def test_the_environment_map_is_parsed_and_checked():
    text = "groups:aims-officers=Governance officer; roles:committee=Approver"
    assert config.role_map(text, ROLES) == [
        ("groups", "aims-officers", OFFICER),
        ("roles", "committee", APPROVER),
    ]
    for wrong in ("groups=Approver", "groups:x=Nobody", f"groups:x={CERT_AUDITOR}"):
        with pytest.raises(ImproperlyConfigured):
            config.role_map(wrong, ROLES)


def test_providers_from_the_environment():
    assert "APPS" not in config.providers({})["openid_connect"]
    providers = config.providers(
        {
            "AIMS_OIDC_SERVER_URL": "https://id.example.org",
            "AIMS_OIDC_CLIENT_ID": "aims",
            "AIMS_OIDC_CLIENT_SECRET": "s3",
            "AIMS_SAML_IDP_ENTITY_ID": "https://idp.example.org",
            "AIMS_SAML_IDP_METADATA_URL": "https://idp.example.org/metadata",
        }
    )
    (oidc,) = providers["openid_connect"]["APPS"]
    assert oidc["provider_id"] == "oidc" and oidc["settings"]["oauth_pkce_enabled"] is True
    (saml,) = providers["saml"]["APPS"]
    assert saml["client_id"] == "sso"
    assert saml["settings"]["idp"]["metadata_url"] == "https://idp.example.org/metadata"
    with pytest.raises(ImproperlyConfigured):
        config.providers({"AIMS_OIDC_SERVER_URL": "https://id.example.org"})
    with pytest.raises(ImproperlyConfigured):
        config.providers({"AIMS_SAML_IDP_SSO_URL": "https://idp.example.org/sso"})


def test_claims_merge_id_token_and_userinfo_and_saml_attributes():
    oidc = {"id_token": {"groups": ["a"], "sub": "1"}, "userinfo": {"groups": ["b", "c"]}}
    assert claims_of(oidc)["groups"] == {"b", "c"}
    assert claims_of({"groups": ["x", "y"], "role": "z"}) == {"groups": {"x", "y"}, "role": {"z"}}


@pytest.fixture
def mappings(db, settings):
    settings.AIMS_SSO_ROLE_MAP = "groups:officers=Governance officer"
    with transaction.atomic():
        RoleMapping.objects.create(provider="oidc", claim="roles", value="committee", role=APPROVER)
        RoleMapping.objects.create(provider="saml", claim="groups", value="audit", role=AUDITOR)
        # A certification auditor mapping slipped into the table is never applied.
        RoleMapping.objects.bulk_create(
            [RoleMapping(provider="", claim="groups", value="officers", role=CERT_AUDITOR)]
        )


def test_mappings_apply_per_provider_and_never_grant_the_certification_auditor(mappings):
    claims = {"groups": {"officers", "audit"}, "roles": {"committee"}}
    assert mapped_roles(provider="oidc", claims=claims) == {OFFICER, APPROVER}
    assert mapped_roles(provider="saml", claims=claims) == {OFFICER, AUDITOR}
    assert CERT_AUDITOR not in managed_roles(provider="oidc")


def test_sync_adds_and_removes_managed_roles_and_keeps_hand_granted_others(mappings):
    user = user_with_role(APPROVER, username="sam_t")
    user.groups.add(*user_with_role(OWNER, username="o_t").groups.all())
    added, removed = sso_roles_sync(
        user=user, provider="oidc", claims={"groups": {"officers"}, "roles": set()}
    )
    assert (added, removed) == ({OFFICER}, {APPROVER})
    assert role_names_of(user) == {OFFICER, OWNER}


def test_a_deactivated_mapping_still_manages_its_role(mappings):
    user = user_with_role(APPROVER, username="sam_t")
    with transaction.atomic():
        mapping = RoleMapping.objects.get(role=APPROVER)
        mapping.active = False
        mapping.save()
    sso_roles_sync(user=user, provider="oidc", claims={"roles": {"committee"}})
    assert role_names_of(user) == set()


def test_the_model_refuses_the_certification_auditor_role(db):
    with pytest.raises(ValidationError):
        RoleMapping(claim="groups", value="x", role=CERT_AUDITOR).full_clean()


def test_usernames_are_made_unique(db):
    user_with_role(None, username="alice")
    assert unique_username("alice") == "alice2"
    assert unique_username("Bad Name!") == "BadName"


def test_officers_admin_edits_mappings_with_history(client, db):
    admin = user_with_role(None, username="root_t", is_staff=True, is_superuser=True)
    client.force_login(admin)
    answer = client.post(
        "/admin/aims/rolemapping/add/",
        {"provider": "", "claim": "groups", "value": "aims-owners", "role": OWNER, "active": "on"},
    )
    assert answer.status_code == 302, answer.content[:500]
    mapping = RoleMapping.objects.get(value="aims-owners")
    assert mapping.history.count() == 1
    refused = client.post(
        "/admin/aims/rolemapping/add/",
        {"provider": "", "claim": "groups", "value": "x", "role": CERT_AUDITOR, "active": "on"},
    )
    assert refused.status_code == 200
    assert not RoleMapping.objects.filter(value="x").exists()
    assert client.get(f"/admin/aims/rolemapping/{mapping.pk}/history/").status_code == 200
