"""Audit findings: raised on a running audit (optionally from a checklist item), a
nonconformity's corrective action (an aims CAPA opened from the finding), and closing."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aims.capa import selectors as capa_selectors
from aims.capa import services as capa_services
from aims.errors import RuleForbidden, TransitionNotAllowed
from aims.models import CorrectiveAction, Notification
from audits.internal_audits import findings as finding_services
from audits.internal_audits import services
from audits.models import ChecklistItem, Finding, InternalAudit

from . import test_internal_audits as ia

pytestmark = pytest.mark.django_db
# Fixtures shared with test_internal_audits.
audit = ia.audit
controls = ia.controls
programme = ia.programme
Kind = Finding.Kind
DUE = date.today() + timedelta(days=30)


@pytest.fixture
def running(officer, audit):
    return ia.started(officer, audit)


@pytest.fixture
def minor(officer, running, controls):
    item = running.checklist.get(item=controls["policy"])
    services.checklist_record(
        actor=officer, checklist_item=item, result="nonconforming", notes="Never reviewed"
    )
    return finding_services.finding_raise(
        actor=officer,
        audit=running,
        kind=Kind.MINOR,
        title="Policy not reviewed",
        description="The AI policy has not been reviewed since 2023.",
        checklist_item=item,
    )


def open_capa(actor, finding, owner):
    return finding_services.finding_open_capa(
        actor=actor, finding=finding, owner=owner, due_date=DUE, action_plan="Review yearly"
    )


# --- Raising --------------------------------------------------------------------------------


def test_a_finding_from_a_checklist_item_links_its_control(minor, controls):
    assert minor.reference == f"FND-{minor.pk:04d}"
    assert list(minor.controls.all()) == [controls["policy"]]
    assert minor.status == Finding.Status.OPEN and minor.is_nonconformity


def test_findings_are_raised_only_on_a_running_audit(officer, audit):
    with pytest.raises(TransitionNotAllowed) as exc:
        finding_services.finding_raise(
            actor=officer, audit=audit, kind=Kind.OFI, title="Idea", description="x"
        )
    assert exc.value.code == "audit_not_running"
    assert not Finding.objects.exists()


def test_controls_outside_the_audit_scope_are_refused(officer, running):
    stranger = ia.catalogue_item("X.7", "Unrelated control")
    with pytest.raises(ValidationError) as exc:
        finding_services.finding_raise(
            actor=officer, audit=running, kind=Kind.OBSERVATION, title="t", description="d",
            controls=[stranger],
        )  # fmt: skip
    assert "X.7" in exc.value.message_dict["controls"][0]


# --- Corrective action ----------------------------------------------------------------------


def test_a_nonconformity_gets_its_capa_from_the_finding(officer, owner, minor):
    capa = open_capa(officer, minor, owner)
    assert capa.source == minor and capa.owner == owner and capa.due_date == DUE
    assert minor.reference in capa.title and "Minor nonconformity" in capa.nonconformity
    assert "X.1.1" in capa.nonconformity
    assert list(capa_selectors.capas_of(source=minor)) == [capa]
    assert Notification.objects.filter(recipient=owner, title__contains=capa.reference).exists()
    assert capa.history.first().history_user == officer


def test_an_observation_needs_no_capa(officer, owner, running):
    observation = finding_services.finding_raise(
        actor=officer, audit=running, kind=Kind.OBSERVATION, title="t", description="d"
    )
    with pytest.raises(TransitionNotAllowed) as exc:
        open_capa(officer, observation, owner)
    assert exc.value.code == "not_a_nonconformity"
    assert not CorrectiveAction.objects.exists()


def test_opening_a_capa_needs_rights_on_the_audit(approver, auditor, owner, minor):
    for actor in (approver, auditor, owner):
        with pytest.raises(RuleForbidden):
            open_capa(actor, minor, owner)
    assert not CorrectiveAction.objects.exists()


def test_a_past_due_date_is_refused(officer, owner, minor):
    with pytest.raises(ValidationError) as exc:
        finding_services.finding_open_capa(
            actor=officer, finding=minor, owner=owner, due_date=date.today() - timedelta(days=1),
            action_plan="x",
        )  # fmt: skip
    assert "due_date" in exc.value.message_dict


def test_the_capa_owner_sees_their_action_in_the_register(officer, owner, other_owner, minor):
    capa = open_capa(officer, minor, owner)
    assert capa in capa_selectors.capa_list(user=owner)
    assert capa not in capa_selectors.capa_list(user=other_owner)
    assert capa in capa_selectors.capa_list(user=officer)


def test_the_audit_closes_only_once_each_nonconformity_has_a_capa(officer, owner, minor):
    audit = minor.audit
    for item in audit.checklist.filter(result=ChecklistItem.Result.NOT_ASSESSED):
        services.checklist_record(actor=officer, checklist_item=item, result="conforming")
    services.audit_transition(actor=officer, audit=audit, action="report")
    with pytest.raises(TransitionNotAllowed) as exc:
        services.audit_transition(actor=officer, audit=audit, action="close", note="Done")
    assert exc.value.extra["missing"] == [
        f"Nonconformities without a corrective action: {minor.reference}."
    ]
    open_capa(officer, minor, owner)
    audit = services.audit_transition(actor=officer, audit=audit, action="close", note="Done")
    assert audit.status == InternalAudit.Status.CLOSED


# --- Closing a finding ----------------------------------------------------------------------


def test_a_nonconformity_closes_once_its_capa_is_verified(officer, owner, minor):
    with pytest.raises(TransitionNotAllowed) as exc:
        finding_services.finding_close(actor=officer, finding=minor)
    assert "Open a corrective action first" in exc.value.message
    capa = open_capa(officer, minor, owner)
    with pytest.raises(TransitionNotAllowed) as exc:
        finding_services.finding_close(actor=officer, finding=minor)
    assert capa.reference in exc.value.message
    capa = capa_services.capa_transition(actor=owner, capa=capa, action="implement")
    capa_services.capa_verify(
        actor=officer, capa=capa, effective=True, notes="Checked", evidence_url="https://x.org/r"
    )
    finding = finding_services.finding_close(actor=officer, finding=minor)
    assert finding.status == Finding.Status.CLOSED and finding.closed_at


def test_an_ofi_closes_without_capa(officer, running):
    ofi = finding_services.finding_raise(
        actor=officer, audit=running, kind=Kind.OFI, title="Automate", description="d"
    )
    assert (
        finding_services.finding_close(actor=officer, finding=ofi).status == Finding.Status.CLOSED
    )


def test_a_nonconformity_with_a_capa_cannot_be_downgraded(officer, owner, minor):
    open_capa(officer, minor, owner)
    with pytest.raises(TransitionNotAllowed):
        finding_services.finding_update(
            actor=officer, finding=minor, data={"kind": Kind.OBSERVATION}
        )


# --- Browser and API ------------------------------------------------------------------------


def test_open_corrective_action_form_prefills_and_creates(client_as, officer, owner, minor):
    client = client_as(officer)
    url = reverse("internal_audits:finding_capa", args=[minor.pk])
    page = client.get(url).content.decode()
    assert f"Correct {minor.reference}" in page
    response = client.post(
        url,
        {
            "title": f"Correct {minor.reference}",
            "nonconformity": "Policy not reviewed",
            "action_plan": "Yearly review by the committee",
            "owner": owner.pk,
            "due_date": DUE.isoformat(),
        },
    )
    assert response.status_code == 302
    capa = CorrectiveAction.objects.get()
    assert capa.source == minor and capa.owner == owner
    detail = client.get(services.finding_url(minor)).content.decode()
    assert capa.reference in detail


def test_raise_a_finding_in_the_browser(client_as, officer, running, controls):
    item = running.checklist.get(item=controls["policy"])
    client = client_as(officer)
    url = reverse("internal_audits:finding_create", args=[running.pk])
    assert client.get(url, {"item": item.pk}).status_code == 200
    response = client.post(
        url,
        {"kind": "major", "title": "No policy", "description": "None", "checklist_item": item.pk},
    )
    finding = Finding.objects.get()
    assert response["Location"] == services.finding_url(finding)
    assert list(finding.controls.all()) == [controls["policy"]]


def test_api_open_capa_and_close(api_as, officer, owner, minor):
    client = api_as(officer)
    response = client.post(
        reverse("api:finding-open-capa", args=[minor.pk]),
        {"owner": owner.pk, "due_date": DUE.isoformat(), "action_plan": "Review yearly"},
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["source"] == {"type": "audits.finding", "id": minor.pk}
    listed = client.get(reverse("api:finding-corrective-actions", args=[minor.pk])).json()
    assert [c["id"] for c in listed] == [body["id"]]
    refused = client.post(reverse("api:finding-close", args=[minor.pk]), format="json")
    assert refused.status_code == 409 and body["reference"] in refused.json()["message"]


def test_api_raise_a_finding_from_a_checklist_item(api_as, officer, running, controls):
    item = running.checklist.get(item=controls["alignment"])
    response = api_as(officer).post(
        reverse("api:finding-list"),
        {"audit": running.pk, "checklist_item": item.pk, "kind": "observation",
         "title": "Partial alignment", "description": "HR policy not referenced"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert [c["code"] for c in response.json()["controls"]] == ["X.1.2"]


def test_auditors_read_findings_but_cannot_write(client_as, api_as, auditor, owner, minor):
    page = client_as(auditor).get(services.finding_url(minor))
    assert page.status_code == 200 and "Open corrective action" not in page.content.decode()
    assert (
        client_as(auditor).post(reverse("internal_audits:finding_capa", args=[minor.pk]), {})
    ).status_code == 403
    assert (
        client_as(auditor).post(reverse("internal_audits:finding_close", args=[minor.pk]))
    ).status_code == 403
    api = api_as(auditor)
    assert api.get(reverse("api:finding-detail", args=[minor.pk])).status_code == 200
    for url, data in (
        (reverse("api:finding-open-capa", args=[minor.pk]),
         {"owner": owner.pk, "due_date": DUE.isoformat(), "action_plan": "x"}),
        (reverse("api:finding-close", args=[minor.pk]), {}),
        (reverse("api:finding-list"), {"audit": minor.audit_id}),
    ):  # fmt: skip
        assert api.post(url, data, format="json").status_code == 403, url
    assert not CorrectiveAction.objects.exists()
    minor.refresh_from_db()
    assert minor.status == Finding.Status.OPEN


def test_system_owners_cannot_see_findings(client_as, api_as, owner, minor):
    assert client_as(owner).get(services.finding_url(minor)).status_code == 404
    assert api_as(owner).get(reverse("api:finding-detail", args=[minor.pk])).status_code == 404
