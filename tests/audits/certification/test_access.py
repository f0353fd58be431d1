"""Certification auditors: a time-boxed, read-only account limited to one external audit's
scope (audits.certification.access), in the browser and the API."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import get_perms
from rest_framework.test import APIClient

from aims.errors import RuleForbidden
from aims.roles import CERT_AUDITOR
from audits.certification import access
from audits.certification.models import (
    AuditorAccess,
    CertificationBody,
    ExternalAudit,
    ExternalFinding,
)
from incidents.models import Incident
from inventory.models import AISystem
from risk.models import Risk

from ...audits.test_evidence_packs import report_incident
from ...factories import make_risk, make_system, make_token

pytestmark = pytest.mark.django_db
PASSWORD = "A-long-auditor-passphrase-2026"


def make_audit(officer, *, systems=(), kind=ExternalAudit.Kind.STAGE_2, **overrides):
    today = timezone.localdate()
    body, _ = CertificationBody.objects.get_or_create(name="Assurance Body Ltd")
    fields = {
        "body": body,
        "kind": kind,
        "start_date": today,
        "end_date": today + timedelta(days=5),
        "scope": "AI systems of customer support",
        "created_by": officer,
        **overrides,
    }
    audit = ExternalAudit.objects.create(**fields)
    audit.sampled_systems.set(systems)
    return audit


def grant(officer, audit, username="body_auditor", **overrides):
    today = timezone.localdate()
    data = {"valid_from": today, "valid_until": audit.end_date, **overrides}
    result = access.grant_access(audit=audit, actor=officer, username=username, **data)
    user = result.access.user
    user.set_password(PASSWORD)
    user.save()
    return result.access


@pytest.fixture
def world(officer, owner, other_owner):
    sampled = make_system(owner, name="Support chatbot")
    other = make_system(other_owner, name="Payroll forecaster")
    risk_in = make_risk(owner, sampled, title="Chatbot leaks orders")
    risk_out = make_risk(other_owner, other, title="Forecast drifts")
    incident_in = report_incident(owner, sampled)
    incident_out = report_incident(other_owner, other, title="Payroll run used stale rates")
    audit = make_audit(officer, systems=[sampled])
    other_audit = make_audit(officer, title="Another body's visit")
    mine = ExternalFinding.objects.create(
        audit=audit, kind="minor", title="Training records incomplete", description="-",
        raised_by=officer,
    )  # fmt: skip
    theirs = ExternalFinding.objects.create(
        audit=other_audit, kind="ofi", title="Elsewhere", description="-", raised_by=officer
    )
    granted = grant(officer, audit)
    return {
        "sampled": sampled, "other": other, "risk_in": risk_in, "risk_out": risk_out,
        "incident_in": incident_in, "incident_out": incident_out, "audit": audit,
        "other_audit": other_audit, "finding": mine, "other_finding": theirs,
        "access": granted, "user": granted.user,
    }  # fmt: skip


def login(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


# --- scope ----------------------------------------------------------------------------------


def test_the_auditor_sees_only_the_sampled_system_and_what_is_under_it(client, world):
    user = world["user"]
    response = login(client, user)
    assert response.status_code == 302
    assert response["Location"] == reverse("certification:my_audit")

    systems = client.get(reverse("inventory:system_list"))
    assert systems.status_code == 200
    assert "Support chatbot" in systems.text
    assert "Payroll forecaster" not in systems.text
    assert (
        client.get(reverse("inventory:system_detail", args=[world["sampled"].pk])).status_code
        == 200
    )
    assert (
        client.get(reverse("inventory:system_detail", args=[world["other"].pk])).status_code == 404
    )
    assert client.get(reverse("risk:risk_detail", args=[world["risk_in"].pk])).status_code == 200
    assert client.get(reverse("risk:risk_detail", args=[world["risk_out"].pk])).status_code == 404
    assert (
        client.get(reverse("incidents:incident_detail", args=[world["incident_in"].pk])).status_code
        == 200
    )
    assert (
        client.get(
            reverse("incidents:incident_detail", args=[world["incident_out"].pk])
        ).status_code
        == 404
    )

    assert client.get(reverse("aims:dashboard")).status_code == 200
    page = client.get(reverse("certification:my_audit"))
    assert world["audit"].reference in page.text
    assert world["other_audit"].reference not in page.text
    assert "Support chatbot" in page.text and "Payroll forecaster" not in page.text


def test_the_visibility_core_narrows_every_register(world):
    user = world["user"]
    assert list(AISystem.objects.restrict(user, "view")) == [world["sampled"]]
    assert list(Risk.objects.restrict(user, "view")) == [world["risk_in"]]
    assert list(Incident.objects.restrict(user, "view")) == [world["incident_in"]]
    assert list(ExternalAudit.objects.restrict(user, "view")) == [world["audit"]]
    assert list(ExternalFinding.objects.restrict(user, "view")) == [world["finding"]]
    from suppliers.models import Supplier

    assert list(Supplier.objects.restrict(user, "view")) == []
    # view never implies change
    assert not AISystem.objects.restrict(user, "change").exists()
    assert not Risk.objects.restrict(user, "change").exists()
    assert get_perms(user, world["sampled"]) == ["view_aisystem"]


def test_the_auditor_reads_the_api_within_scope_and_writes_nothing(world, officer):
    user = world["user"]
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {make_token(user)}")
    systems = api.get("/api/v1/systems/").json()
    assert [s["id"] for s in systems["results"]] == [world["sampled"].pk]
    assert api.get(f"/api/v1/systems/{world['other'].pk}/").status_code == 404
    risks = api.get("/api/v1/risks/").json()
    assert [r["id"] for r in risks["results"]] == [world["risk_in"].pk]
    assert api.get(f"/api/v1/incidents/{world['incident_out'].pk}/").status_code == 404
    assert api.get("/api/v1/suppliers/").json().get("results", []) == []
    # writes: refused whatever the record
    assert api.patch(f"/api/v1/systems/{world['sampled'].pk}/", {"purpose": "x"}).status_code == 403
    assert (
        api.post("/api/v1/risks/", {"system": world["sampled"].pk, "title": "x"}).status_code == 403
    )
    assert api.post("/api/v1/incidents/", {"system": world["sampled"].pk}).status_code == 403
    assert api.get("/api/v1/auditor-accesses/").json()["results"] == []


def test_the_auditor_cannot_open_write_pages_of_the_sampled_system(client, world):
    login(client, world["user"])
    response = client.get(reverse("inventory:system_edit", args=[world["sampled"].pk]))
    assert response.status_code in (403, 404)
    response = client.post(
        reverse("inventory:system_edit", args=[world["sampled"].pk]), {"purpose": "changed"}
    )
    assert response.status_code in (403, 404)
    assert AISystem.objects.get(pk=world["sampled"].pk).purpose != "changed"


def test_the_role_holds_no_write_permission():
    codenames = Group.objects.get(name=CERT_AUDITOR).permissions.values_list("codename", flat=True)
    assert codenames
    assert all(c.startswith("view_") for c in codenames)
    assert "view_aisystem" not in codenames and "view_supplier" not in codenames
    assert "view_evidence" not in codenames and "view_evidencepack" not in codenames


# --- the time box ---------------------------------------------------------------------------


def test_an_ended_access_is_refused_at_sign_in_with_the_reason(client, world):
    access_ = world["access"]
    AuditorAccess.objects.filter(pk=access_.pk).update(
        valid_from=date(2026, 1, 1), valid_until=date(2026, 1, 31)
    )
    response = login(client, world["user"])
    assert response.status_code == 200
    assert f"Your access for audit {world['audit'].reference} ended on 2026-01-31." in response.text
    assert "_auth_user_id" not in client.session


def test_a_wrong_password_says_nothing_about_the_access(client, world):
    AuditorAccess.objects.filter(pk=world["access"].pk).update(
        valid_from=date(2026, 1, 1), valid_until=date(2026, 1, 31)
    )
    response = client.post(
        reverse("login"), {"username": world["user"].username, "password": "wrong"}
    )
    assert "ended on" not in response.text
    assert "didn&#x27;t match" in response.text or "didn't match" in response.text


def test_a_session_ends_when_the_access_ends(client, world):
    login(client, world["user"])
    assert client.get(reverse("inventory:system_list")).status_code == 200
    AuditorAccess.objects.filter(pk=world["access"].pk).update(
        valid_until=timezone.localdate() - timedelta(days=1),
        valid_from=timezone.localdate() - timedelta(days=3),
    )
    response = client.get(reverse("inventory:system_list"), follow=True)
    assert response.redirect_chain[0][0] == reverse("login")
    assert "ended on" in response.text
    assert "_auth_user_id" not in client.session


def test_a_token_is_refused_once_the_access_ended(world):
    token = make_token(world["user"])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/systems/").status_code == 200
    AuditorAccess.objects.filter(pk=world["access"].pk).update(
        valid_until=timezone.localdate() - timedelta(days=1),
        valid_from=timezone.localdate() - timedelta(days=3),
    )
    response = api.get("/api/v1/systems/")
    assert response.status_code in (401, 403)
    assert "ended on" in response.json()["message"]


def test_revoking_refuses_the_account_at_once_and_takes_the_scope(client, world, officer):
    login(client, world["user"])
    assert client.get(reverse("inventory:system_list")).status_code == 200
    access.revoke_access(access=world["access"], actor=officer, reason="Audit cancelled")
    response = client.get(reverse("inventory:system_list"), follow=True)
    assert "was withdrawn on" in response.text
    assert get_perms(world["user"], world["sampled"]) == []
    access_ = AuditorAccess.objects.get(pk=world["access"].pk)
    assert access_.history.first().history_change_reason.endswith("Audit cancelled")
    with pytest.raises(Exception, match="already withdrawn"):
        access.revoke_access(access=access_, actor=officer)


def test_the_daily_sweep_takes_the_scope_of_ended_accesses_idempotently(world):
    from audits.certification.access_tasks import sweep_auditor_accesses

    assert sweep_auditor_accesses() == 0
    AuditorAccess.objects.filter(pk=world["access"].pk).update(
        valid_until=timezone.localdate() - timedelta(days=1),
        valid_from=timezone.localdate() - timedelta(days=3),
    )
    assert sweep_auditor_accesses() == 1
    assert get_perms(world["user"], world["sampled"]) == []
    assert sweep_auditor_accesses() == 0


def test_changing_the_sample_resyncs_the_scope(world):
    audit = world["audit"]
    audit.sampled_systems.set([world["other"]])  # the scope follows at once (m2m signal)
    assert list(AISystem.objects.restrict(world["user"], "view")) == [world["other"]]
    audit.sampled_systems.clear()
    assert not AISystem.objects.restrict(world["user"], "view").exists()
    access.sync_auditor_scope(audit)  # idempotent
    assert get_perms(world["user"], world["other"]) == []


# --- granting ------------------------------------------------------------------------------


def test_grant_validation(officer, owner):
    audit = make_audit(officer)
    today = timezone.localdate()
    cases = [
        ({"valid_from": today, "valid_until": today - timedelta(days=1)}, "cannot end before"),
        (
            {"valid_from": today - timedelta(days=10), "valid_until": today - timedelta(days=2)},
            "expired auditor account",
        ),
        ({"valid_from": today, "valid_until": audit.end_date + timedelta(days=31)}, "at most 30"),
    ]
    for window, message in cases:
        with pytest.raises(access.ValidationError) as info:
            access.grant_access(audit=audit, actor=officer, username="someone", **window)
        assert message in str(info.value.message_dict["valid_until"])
    with pytest.raises(access.ValidationError) as info:
        access.grant_access(
            audit=audit, actor=officer, username=owner.username, valid_from=today,
            valid_until=audit.end_date,
        )  # fmt: skip
    assert "already holds the role System owner" in str(info.value.message_dict["username"])
    with pytest.raises(RuleForbidden):
        access.grant_access(
            audit=audit, actor=owner, username="x", valid_from=today, valid_until=audit.end_date
        )
    assert not AuditorAccess.objects.exists()


def test_an_existing_auditor_account_is_reused_for_the_next_audit(officer, world):
    audit = make_audit(officer, kind=ExternalAudit.Kind.SURVEILLANCE)
    again = grant(officer, audit, username=world["user"].username)
    assert again.user == world["user"]
    assert ExternalAudit.objects.restrict(world["user"], "view").count() == 2


# --- pages and API ---------------------------------------------------------------------------


def test_officer_grants_through_the_page_and_sees_the_link_once(
    client_as, officer, mailoutbox, django_capture_on_commit_callbacks
):
    audit = make_audit(officer)
    client = client_as(officer)
    url = reverse("certification:access_list", args=[audit.pk])
    today = timezone.localdate()
    response = client.post(url, {
        "username": "j.doe", "email": "j.doe@body.example", "valid_from": today,
        "valid_until": today - timedelta(days=1),
    })  # fmt: skip
    assert response.status_code == 400
    assert "cannot end before" in response.text
    with django_capture_on_commit_callbacks(execute=True):
        with_link = client.post(url, {
            "username": "j.doe", "email": "j.doe@body.example", "valid_from": today,
            "valid_until": audit.end_date,
        })  # fmt: skip
    assert with_link.status_code == 200
    assert "/certification/set-password/" in with_link.text
    assert len(mailoutbox) == 1 and "/certification/set-password/" in mailoutbox[0].body
    link = with_link.text.split('id="set-password-link">')[1].split("<")[0]
    path = link.split("testserver", 1)[1]
    page = client.get(reverse("certification:access_list", args=[audit.pk]))
    assert "set-password-link" not in page.text and "j.doe" in page.text

    # the auditor chooses a password through the link and signs in
    anonymous = client.__class__()
    chosen = anonymous.get(path, follow=True)
    assert chosen.status_code == 200
    form_url = chosen.redirect_chain[-1][0]
    done = anonymous.post(
        form_url, {"new_password1": PASSWORD, "new_password2": PASSWORD}, follow=True
    )
    assert done.status_code == 200
    assert anonymous.login(username="j.doe", password=PASSWORD)


def test_revoke_and_extend_pages(client_as, officer, world):
    client = client_as(officer)
    access_ = world["access"]
    extend_url = reverse("certification:access_extend", args=[access_.pk])
    assert client.get(extend_url).status_code == 200
    late = world["audit"].end_date + timedelta(days=40)
    assert client.post(extend_url, {"valid_until": late}).status_code == 400
    new_end = world["audit"].end_date + timedelta(days=10)
    assert client.post(extend_url, {"valid_until": new_end}).status_code == 302
    access_.refresh_from_db()
    assert access_.valid_until == new_end
    revoke_url = reverse("certification:access_revoke", args=[access_.pk])
    confirm = client.get(revoke_url)
    assert confirm.status_code == 200 and "Withdraw access" in confirm.text
    assert client.post(revoke_url, {"reason": "Done"}).status_code == 302
    access_.refresh_from_db()
    assert access_.revoked_at is not None and access_.revoked_by == officer


def test_the_auditor_and_owners_cannot_manage_accesses(client_as, world, owner):
    client = client_as(world["user"])
    assert (
        client.get(reverse("certification:access_list", args=[world["audit"].pk])).status_code
        == 403
    )
    assert (
        client.get(reverse("certification:access_revoke", args=[world["access"].pk])).status_code
        == 404
    )
    owner_client = client_as(owner)
    response = owner_client.get(reverse("certification:access_list", args=[world["audit"].pk]))
    assert response.status_code == 404


def test_api_grants_lists_revokes_and_extends(api_as, officer, auditor):
    audit = make_audit(officer)
    api = api_as(officer)
    today = timezone.localdate()
    bad = api.post("/api/v1/auditor-accesses/", {
        "audit": audit.pk, "username": "k.body", "valid_from": today,
        "valid_until": audit.end_date + timedelta(days=60),
    }, format="json")  # fmt: skip
    assert bad.status_code == 400 and "valid_until" in str(bad.json())
    created = api.post("/api/v1/auditor-accesses/", {
        "audit": audit.pk, "username": "k.body", "valid_from": today,
        "valid_until": audit.end_date,
    }, format="json")  # fmt: skip
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["set_password_path"].startswith("/certification/set-password/")
    assert body["is_current"] is True
    pk = body["id"]
    listed = api.get("/api/v1/auditor-accesses/").json()
    assert [row["id"] for row in listed["results"]] == [pk]
    assert "set_password_path" not in api.get(f"/api/v1/auditor-accesses/{pk}/").json()
    extended = api.post(
        f"/api/v1/auditor-accesses/{pk}/extend/",
        {"valid_until": str(audit.end_date + timedelta(days=3))},
        format="json",
    )
    assert extended.status_code == 200
    assert extended.json()["valid_until"] == str(audit.end_date + timedelta(days=3))
    revoked = api.post(f"/api/v1/auditor-accesses/{pk}/revoke/", {}, format="json")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    again = api.post(f"/api/v1/auditor-accesses/{pk}/revoke/", {}, format="json")
    assert again.status_code == 409
    assert api_as(auditor).post(f"/api/v1/auditor-accesses/{pk}/extend/", {}).status_code == 403
    assert api_as(auditor).get(f"/api/v1/auditor-accesses/{pk}/").status_code == 200
