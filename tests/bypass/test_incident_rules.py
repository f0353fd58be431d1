"""Bypass battery of the Art 73 rules and of corrective-action verification (issue 13, parts 6
and 7): each attempt a determined owner would make, through the API, the browser form, the
admin and the services, is refused with the rule's code and leaves the incident (or the
corrective action), its history and its timeline as they were."""

from datetime import datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone

from aims.capa import services as capa_services
from aims.errors import RuleForbidden
from aims.models import CorrectiveAction
from aims.roles import APPROVER, OFFICER
from incidents import services
from incidents.models import Incident, SeriousCase
from inventory.models import AISystem
from tests.factories import make_system, user_with_role

pytestmark = pytest.mark.django_db

AWARE = timezone.make_aware(datetime(2026, 3, 2, 23, 30))


# --- helpers --------------------------------------------------------------------------------


def report(actor, system, **overrides) -> Incident:
    data = {
        "title": "Applicants over 50 ranked lower",
        "description": "A recruiter noticed the shortlist skews young.",
        "detection_channel": "employee",
        "category": "bias",
        "severity": "sev2",
        **overrides,
    }
    return services.incident_report(actor=actor, system=system, **data)


@pytest.fixture
def high_system(owner):
    system = make_system(owner)
    AISystem.objects.filter(pk=system.pk).update(risk_tier="high")
    return system


@pytest.fixture
def serious(owner, officer, approver, high_system) -> Incident:
    """A SEV2 incident on a high-risk system, reported by its owner, marked serious."""
    incident = report(owner, high_system, aware_at=timezone.now() - timedelta(hours=5))
    return services.incident_mark_serious(actor=officer, incident=incident, case="general")


def snapshot(incident: Incident) -> tuple:
    """The stored row, its history rows and its timeline: what a refusal must leave alone."""
    row = Incident.objects.get(pk=incident.pk)
    values = model_to_dict(row, exclude=["systems"])
    values.update(
        {f: getattr(row, f) for f in ("aware_at_original", "report_due_at", "report_hours_late")}
    )
    return values, row.history.count(), row.events.count()


def refused(response, status: int, code: str) -> None:
    assert response.status_code == status, response.content[:500]
    assert response.json()["code"] == code


def iso(value: datetime) -> str:
    return value.isoformat()


def local_input(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


# --- awareness is locked once serious -------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "officer"])
def test_patching_awareness_of_a_serious_incident_is_refused(request, api_as, serious, who):
    """The edit path is closed to everyone, officers included: they correct by the action."""
    before = snapshot(serious)
    api = api_as(request.getfixturevalue(who))
    url = f"/api/v1/incidents/{serious.pk}/"
    refused(
        api.patch(url, {"aware_at": iso(timezone.now())}, format="json"), 403, "awareness_locked"
    )
    # Smuggled beside an allowed field: nothing of the request is applied.
    response = api.patch(url, {"aware_at": iso(timezone.now()), "title": "Renamed"}, format="json")
    refused(response, 403, "awareness_locked")
    assert snapshot(serious) == before


def test_put_is_not_a_way_around(api_as, owner, serious):
    before = snapshot(serious)
    response = api_as(owner).put(
        f"/api/v1/incidents/{serious.pk}/",
        {"aware_at": iso(timezone.now()), "title": serious.title},
        format="json",
    )
    assert response.status_code == 405
    assert snapshot(serious) == before


@pytest.mark.parametrize(
    "field", ["aware_at_original", "report_due_at", "reporting_deadline", "report_hours_late"]
)
def test_the_clock_fields_are_read_only_in_the_api(api_as, owner, serious, field):
    before = snapshot(serious)
    response = api_as(owner).patch(
        f"/api/v1/incidents/{serious.pk}/", {field: iso(timezone.now())}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["extra"]["fields"]
    assert snapshot(serious) == before


def edit_data(incident: Incident, **overrides) -> dict:
    data = {
        "title": incident.title,
        "description": incident.description,
        "detection_channel": incident.detection_channel,
        "category": incident.category,
        "impact": "",
        "containment": "",
        "root_cause": "",
        "lessons_learned": "",
    }
    data.update(overrides)
    return data


def test_the_browser_form_refuses_a_posted_awareness(client_as, owner, serious):
    before = snapshot(serious)
    client = client_as(owner)
    url = reverse("incidents:incident_edit", args=[serious.pk])
    page = client.get(url).content.decode()
    assert 'name="aware_at"' in page and "disabled" in page  # shown, not editable
    moved = local_input(timezone.now() + timedelta(minutes=-1))
    response = client.post(url, edit_data(serious, aware_at=moved, title="Renamed"))
    assert response.status_code == 403
    assert "governance officer" in response.content.decode()
    assert snapshot(serious) == before


def test_the_browser_form_still_edits_the_other_details(client_as, owner, serious):
    """The disabled field is not posted by a browser: the details save, awareness stays."""
    aware = Incident.objects.get(pk=serious.pk).aware_at
    response = client_as(owner).post(
        reverse("incidents:incident_edit", args=[serious.pk]),
        edit_data(serious, impact="140 applicants"),
    )
    assert response.status_code == 302
    incident = Incident.objects.get(pk=serious.pk)
    assert incident.impact == "140 applicants" and incident.aware_at == aware


def test_the_admin_change_url_refuses(client, serious):
    before = snapshot(serious)
    root = get_user_model().objects.create_superuser("root_t", "root@example.org", "x")
    client.force_login(root)
    url = reverse("admin:incidents_incident_change", args=[serious.pk])
    response = client.post(url, {"aware_at_0": "2026-12-01", "aware_at_1": "09:00"})
    assert response.status_code == 403
    assert snapshot(serious) == before


def test_owners_cannot_use_the_correction_action(client_as, api_as, owner, serious):
    before = snapshot(serious)
    refused(
        api_as(owner).post(
            f"/api/v1/incidents/{serious.pk}/awareness/",
            {"aware_at": iso(timezone.now()), "reason": "Mine"},
            format="json",
        ),
        403,
        "permission_denied",
    )
    url = reverse("incidents:incident_awareness", args=[serious.pk])
    client = client_as(owner)
    assert client.get(url).status_code == 403
    response = client.post(url, {"aware_at": local_input(timezone.now()), "reason": "Mine"})
    assert response.status_code == 403
    assert "Correct awareness time" not in client.get(serious.get_absolute_url()).content.decode()
    with pytest.raises(RuleForbidden):
        services.incident_correct_awareness(
            actor=owner, incident=serious, aware_at=timezone.now(), reason="Mine"
        )
    assert snapshot(serious) == before


def test_an_officer_correction_needs_a_reason(client_as, api_as, officer, serious):
    before = snapshot(serious)
    earlier = timezone.now() - timedelta(days=1)
    response = api_as(officer).post(
        f"/api/v1/incidents/{serious.pk}/awareness/",
        {"aware_at": iso(earlier), "reason": "  "},
        format="json",
    )
    assert response.status_code == 400
    assert "reason" in response.json()["extra"]["fields"]
    response = client_as(officer).post(
        reverse("incidents:incident_awareness", args=[serious.pk]),
        {"aware_at": local_input(earlier), "reason": ""},
    )
    assert response.status_code == 400
    assert snapshot(serious) == before


def test_an_officer_correction_keeps_the_original_and_moves_the_clock(api_as, officer, serious):
    original = serious.aware_at
    first = original - timedelta(days=2)
    response = api_as(officer).post(
        f"/api/v1/incidents/{serious.pk}/awareness/",
        {"aware_at": iso(first), "reason": "The vendor's log shows the alert two days earlier"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["aware_at_corrected_by_username"] == officer.username
    incident = Incident.objects.get(pk=serious.pk)
    assert incident.aware_at == first and incident.aware_at_original == original
    assert incident.report_due_at == first + timedelta(hours=360)
    assert incident.history.first().history_change_reason.startswith("Awareness time corrected")
    # A second correction keeps the time first recorded.
    services.incident_correct_awareness(
        actor=officer, incident=incident, aware_at=first + timedelta(hours=1), reason="Rounded"
    )
    incident.refresh_from_db()
    assert incident.aware_at_original == original
    assert incident.aware_at_correction_reason == "Rounded"


def test_non_serious_incidents_keep_an_editable_awareness(api_as, owner, high_system):
    incident = report(owner, high_system)
    earlier = timezone.now() - timedelta(hours=3)
    response = api_as(owner).patch(
        f"/api/v1/incidents/{incident.pk}/", {"aware_at": iso(earlier)}, format="json"
    )
    assert response.status_code == 200
    incident.refresh_from_db()
    assert incident.aware_at == earlier and incident.aware_at_original is None


# --- reports ---------------------------------------------------------------------------------


def test_a_report_before_awareness_is_refused(api_as, client_as, officer, serious):
    before = snapshot(serious)
    earlier = serious.aware_at - timedelta(days=2)
    response = api_as(officer).post(
        f"/api/v1/incidents/{serious.pk}/report/",
        {"reference": "MSA-1", "submitted_at": iso(earlier)},
        format="json",
    )
    refused(response, 400, "report_before_awareness")
    assert "submitted_at" in response.json()["extra"]["fields"]
    response = client_as(officer).post(
        reverse("incidents:incident_report_submitted", args=[serious.pk]),
        {"kind": "initial", "reference": "MSA-1", "submitted_at": local_input(earlier)},
    )
    assert response["X-Refused"] == "400"
    assert snapshot(serious) == before


def test_the_complete_report_cannot_precede_the_initial(api_as, officer, serious):
    initial_at = timezone.now() - timedelta(hours=2)
    api = api_as(officer)
    url = f"/api/v1/incidents/{serious.pk}/report/"
    response = api.post(
        url,
        {"kind": "initial", "reference": "MSA-1", "submitted_at": iso(initial_at)},
        format="json",
    )
    assert response.status_code == 200
    assert response.json()["initial_report_reference"] == "MSA-1"
    before = snapshot(serious)
    response = api.post(
        url,
        {
            "kind": "complete",
            "reference": "MSA-1 full",
            "submitted_at": iso(initial_at - timedelta(hours=1)),
        },
        format="json",
    )
    refused(response, 400, "complete_before_initial")
    refused(
        api.post(url, {"kind": "initial", "reference": "again"}, format="json"),
        409,
        "already_reported",
    )
    assert snapshot(serious) == before
    response = api.post(url, {"kind": "complete", "reference": "MSA-1 full"}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["initial_report_at"] and body["report_submitted_at"]
    refused(
        api.post(url, {"kind": "initial", "reference": "late"}, format="json"),
        409,
        "already_reported",
    )


def test_the_incident_page_shows_both_reports(client_as, officer, serious):
    services.incident_record_report(
        actor=officer, incident=serious, reference="MSA-INIT", kind="initial"
    )
    page = client_as(officer).get(serious.get_absolute_url()).content.decode()
    assert "Initial report submitted" in page and "MSA-INIT" in page
    assert "The complete report is still to come." in page
    services.incident_record_report(actor=officer, incident=serious, reference="MSA-FULL")
    page = client_as(officer).get(serious.get_absolute_url()).content.decode()
    assert "MSA-INIT" in page and "Complete report submitted" in page and "MSA-FULL" in page


# --- deadlines in hours, lateness as a field ------------------------------------------------


@pytest.mark.parametrize(
    "case,hours",
    [("widespread", 48), ("critical_infrastructure", 48), ("death", 240), ("general", 360)],
)
def test_deadlines_run_in_hours_from_the_moment_of_awareness(case, hours):
    due = services.report_due_at(AWARE, case)
    assert due == AWARE + timedelta(hours=hours)
    assert timezone.localtime(due).time() == timezone.localtime(AWARE).time()  # 23:30


def test_two_days_from_23_30_is_23_30_two_days_later(officer, owner, high_system):
    incident = report(owner, high_system, aware_at=AWARE)
    incident = services.incident_mark_serious(
        actor=officer, incident=incident, case=SeriousCase.WIDESPREAD
    )
    assert timezone.localtime(incident.report_due_at) == timezone.localtime(AWARE) + timedelta(
        days=2
    )
    # Not "the end of the day after tomorrow": a report at 23:45 that day is late.
    incident = services.incident_record_report(
        actor=officer,
        incident=incident,
        reference="MSA-9",
        submitted_at=AWARE + timedelta(hours=48, minutes=15),
    )
    assert incident.report_hours_late == 1


def test_lateness_is_computed_when_the_report_is_recorded(officer, owner, high_system):
    incident = report(owner, high_system, aware_at=AWARE)
    incident = services.incident_mark_serious(actor=officer, incident=incident, case="widespread")
    due = incident.report_due_at
    incident = services.incident_record_report(
        actor=officer,
        incident=incident,
        reference="MSA-INIT",
        kind="initial",
        submitted_at=due + timedelta(hours=2, minutes=30),
    )
    assert incident.report_hours_late == 3  # a started hour counts
    # The complete report does not change it: the first report met (or missed) the deadline.
    incident = services.incident_record_report(
        actor=officer, incident=incident, reference="MSA-FULL"
    )
    assert Incident.objects.get(pk=incident.pk).report_hours_late == 3


def test_on_time_reports_have_no_lateness(officer, serious):
    incident = services.incident_record_report(actor=officer, incident=serious, reference="OK")
    assert incident.report_hours_late is None


def test_lateness_shows_in_the_list_dashboard_and_api(
    client_as, api_as, officer, owner, high_system
):
    incident = report(owner, high_system, aware_at=AWARE)
    incident = services.incident_mark_serious(actor=officer, incident=incident, case="widespread")
    services.incident_record_report(
        actor=officer,
        incident=incident,
        reference="MSA-LATE",
        submitted_at=incident.report_due_at + timedelta(hours=4),
    )
    client = client_as(officer)
    assert "Reported 4 h late" in client.get(incident.get_absolute_url()).content.decode()
    assert "Reported 4 h late" in client.get(reverse("incidents:incident_list")).content.decode()
    assert "Reported 4 h late" in client.get("/").content.decode()
    body = api_as(officer).get(f"/api/v1/incidents/{incident.pk}/").json()
    assert body["report_hours_late"] == 4


def test_an_unreported_overdue_incident_shows_hours_overdue(client_as, officer, owner, high_system):
    incident = report(owner, high_system, aware_at=timezone.now() - timedelta(hours=49, minutes=50))
    incident = services.incident_mark_serious(actor=officer, incident=incident, case="widespread")
    assert incident.reporting_hours_overdue() == 2  # 1 h 50 min: a started hour counts
    page = client_as(owner).get(reverse("incidents:incident_list")).content.decode()
    assert "Report overdue by 2 hours" in page


# --- severity of a serious incident ---------------------------------------------------------


def test_owners_cannot_lower_a_serious_incident(client_as, api_as, owner, serious):
    before = snapshot(serious)
    refused(
        api_as(owner).post(
            f"/api/v1/incidents/{serious.pk}/severity/",
            {"severity": "sev4", "reason": "Not that bad"},
            format="json",
        ),
        403,
        "severity_locked",
    )
    client = client_as(owner)
    response = client.post(
        reverse("incidents:incident_severity", args=[serious.pk]),
        {"severity": "sev4", "reason": "Not that bad"},
    )
    assert response.status_code == 403
    assert snapshot(serious) == before
    # The page offers the owner only what the rule allows: raising.
    page = client.get(serious.get_absolute_url()).content.decode()
    assert 'value="sev1"' in page and 'value="sev4"' not in page
    # Raising stays open to the owner.
    incident = services.incident_set_severity(
        actor=owner, incident=serious, severity="sev1", reason="People harmed"
    )
    assert incident.severity == "sev1"


def test_an_officer_lowers_a_serious_incident_with_a_reason(api_as, officer, serious):
    api = api_as(officer)
    url = f"/api/v1/incidents/{serious.pk}/severity/"
    before = snapshot(serious)
    response = api.post(url, {"severity": "sev4"}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["extra"]["fields"]
    assert snapshot(serious) == before
    response = api.post(url, {"severity": "sev3", "reason": "Only two applicants"}, format="json")
    assert response.status_code == 200 and response.json()["severity"] == "sev3"
    latest = Incident.objects.get(pk=serious.pk).history.first()
    assert "Only two applicants" in latest.history_change_reason


# --- verification of corrective actions -----------------------------------------------------


def implemented(capa: CorrectiveAction, actor) -> CorrectiveAction:
    capa = capa_services.capa_transition(actor=actor, capa=capa, action="start")
    return capa_services.capa_transition(actor=actor, capa=capa, action="implement")


def open_capa(actor, incident, owner) -> CorrectiveAction:
    return capa_services.capa_create(
        actor=actor,
        source=incident,
        owner=owner,
        title="Remove age proxies",
        nonconformity="Graduation year stands in for age",
        action_plan="Drop the feature, retrain, re-test",
        due_date=timezone.localdate() + timedelta(days=20),
    )


def capa_snapshot(capa: CorrectiveAction) -> tuple:
    row = CorrectiveAction.objects.get(pk=capa.pk)
    return model_to_dict(row), row.history.count(), row.evidence.count()


VERIFY = {"effective": True, "notes": "Bias test re-run", "evidence_url": "https://x.org/r"}


def test_the_actions_owner_cannot_verify(client_as, api_as, officer, owner, high_system):
    """The only officer owns the action: refused for them in every way..."""
    incident = report(owner, high_system)
    capa = implemented(open_capa(officer, incident, owner=officer), officer)
    before = capa_snapshot(capa)
    refused(
        api_as(officer).post(
            f"/api/v1/corrective-actions/{capa.pk}/verify/", VERIFY, format="json"
        ),
        403,
        "segregation_of_duties",
    )
    client = client_as(officer)
    assert client.get(f"/capa/{capa.pk}/verify/").status_code == 403
    assert (
        client.post(f"/capa/{capa.pk}/verify/", {**VERIFY, "effective": "yes"}).status_code == 403
    )
    page = client.get(f"/capa/{capa.pk}/").content.decode()
    assert "Verify effectiveness" not in page
    assert 'id="verify-refusal"' in page and "cannot verify its effectiveness" in page
    assert capa_snapshot(capa) == before


def test_an_approver_verifies_what_the_only_officer_owns(
    client_as, api_as, officer, approver, owner, high_system
):
    """... and an approver verifies it: a single-officer organisation is never stuck."""
    incident = report(owner, high_system)
    capa = implemented(open_capa(officer, incident, owner=officer), officer)
    client = client_as(approver)
    assert "Verify effectiveness" in client.get(f"/capa/{capa.pk}/").content.decode()
    response = api_as(approver).post(
        f"/api/v1/corrective-actions/{capa.pk}/verify/", VERIFY, format="json"
    )
    assert response.status_code == 200, response.content
    capa.refresh_from_db()
    assert capa.status == CorrectiveAction.Status.VERIFIED and capa.verified_by == approver
    assert capa.evidence.count() == 1


def test_the_incidents_owner_cannot_verify(client_as, api_as, officer, owner, high_system):
    """An officer who owns the incident may not verify its corrective actions, even one owned
    by someone else; another verifier (an approver) may."""
    incident = report(officer, high_system, owner=officer)
    capa = implemented(open_capa(officer, incident, owner=owner), owner)
    before = capa_snapshot(capa)
    refused(
        api_as(officer).post(
            f"/api/v1/corrective-actions/{capa.pk}/verify/", VERIFY, format="json"
        ),
        403,
        "segregation_of_duties",
    )
    assert client_as(officer).get(f"/capa/{capa.pk}/verify/").status_code == 403
    assert capa_services.verification_refusal(officer, capa).code == "segregation_of_duties"
    assert capa_snapshot(capa) == before
    approver = user_with_role(APPROVER, username="approver_x")
    assert capa_services.can_verify(approver, capa)
    other_officer = user_with_role(OFFICER, username="officer_x")
    assert capa_services.can_verify(other_officer, capa)


def test_the_evidence_pack_shows_lateness_and_the_corrected_awareness(
    officer, auditor, owner, high_system, django_capture_on_commit_callbacks
):
    from audits.models import EvidencePack
    from tests.audits.test_evidence_packs import pdf_text, request_and_build

    incident = report(owner, high_system, aware_at=AWARE)
    incident = services.incident_mark_serious(actor=officer, incident=incident, case="widespread")
    incident = services.incident_correct_awareness(
        actor=officer, incident=incident, aware_at=AWARE - timedelta(hours=1), reason="Log"
    )
    services.incident_record_report(
        actor=officer,
        incident=incident,
        reference="MSA-LATE",
        kind="initial",
        submitted_at=incident.report_due_at + timedelta(hours=4),
    )
    pack = request_and_build(django_capture_on_commit_callbacks, auditor, scope="whole")
    assert pack.status == EvidencePack.Status.READY, pack.error
    text = pdf_text(pack)
    assert "Reported 4 h late" in text
    assert "initial report" in text and "MSA-LATE" in text
    assert "awareness corrected from" in text
