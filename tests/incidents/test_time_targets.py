"""Incident time targets as records: seeded from the built-in targets and the setting, read
through a short cache, changed by governance officers in the browser and the API, with effect
on due times and overdue flags at once."""

import importlib
import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aims.errors import RuleForbidden
from incidents.models import (
    DEFAULT_TIME_TARGETS,
    TARGET_STAGES,
    Incident,
    IncidentTimeTarget,
    Severity,
    time_targets,
)
from incidents.time_target_services import time_target_update

from .conftest import ago

pytestmark = pytest.mark.django_db

PAGE = "incidents:time_targets"
API = "/api/v1/incident-time-targets/"
seed = importlib.import_module("incidents.migrations.0004_seed_time_targets")


def target(severity: str) -> IncidentTimeTarget:
    return IncidentTimeTarget.objects.get(severity=severity)


def page_data(**changes) -> dict:
    """The whole form as the page posts it, with ``changes`` like sev3_acknowledge=48."""
    data = {}
    for row in IncidentTimeTarget.objects.all():
        for stage in TARGET_STAGES:
            value = changes.get(f"{row.severity}_{stage}", row.hours(stage))
            data[f"{row.severity}-{stage}_hours"] = value
            data[f"initial-{row.severity}-{stage}_hours"] = row.hours(stage)  # as displayed
    return data


def reported_hours_ago(report, hours: int, severity: str = "sev3") -> Incident:
    incident = report(severity=severity)
    Incident.objects.filter(pk=incident.pk).update(created_at=ago(hours=hours))
    incident.refresh_from_db()
    return incident


# --- Seed and read --------------------------------------------------------------------------


def test_seeded_rows_equal_the_built_in_targets():
    rows = {
        t.severity: {stage: t.hours(stage) for stage in TARGET_STAGES}
        for t in IncidentTimeTarget.objects.all()
    }
    assert rows == DEFAULT_TIME_TARGETS
    assert set(rows) == set(Severity.values)
    assert time_targets() == DEFAULT_TIME_TARGETS


def test_the_seed_keeps_a_configured_setting_and_refuses_values_the_records_cannot_hold(settings):
    settings.INCIDENT_TIME_TARGETS = {"sev2": {"acknowledge": 2, "resolve": 96}}
    values = seed.seed_values()
    assert values["sev2"] == {"acknowledge": 2, "contain": 24, "resolve": 96}
    assert values["sev1"] == DEFAULT_TIME_TARGETS["sev1"]
    for bad in ({"acknowledge": 0}, {"contain": 0.5}, {"contain": 800}, {"resolve": 9000}):
        settings.INCIDENT_TIME_TARGETS = {"sev1": bad}
        with pytest.raises(ValueError, match=r"INCIDENT_TIME_TARGETS\['sev1'\]"):
            seed.seed_values()


def test_targets_are_cached_and_a_saved_change_clears_them(officer, django_assert_num_queries):
    time_targets()
    with django_assert_num_queries(0):
        assert time_targets()["sev2"]["contain"] == 24
    time_target_update(actor=officer, target=target("sev2"), data={"contain_hours": 30})
    with django_assert_num_queries(1):
        assert time_targets()["sev2"]["contain"] == 30
    with django_assert_num_queries(0):
        time_targets()


# --- Effect on incidents --------------------------------------------------------------------


def test_editing_a_target_moves_due_times_and_overdue_flags_at_once(report, officer, client_as):
    incident = reported_hours_ago(report, 30)  # SEV3: 24 h to acknowledge
    assert incident.overdue_stages() == ["acknowledge"]
    assert Incident.objects.filter(pk=incident.pk).filter(overdue_filter()).exists()

    response = client_as(officer).post(reverse(PAGE), page_data(sev3_acknowledge=48))
    assert response.status_code == 302

    incident = Incident.objects.get(pk=incident.pk)
    assert incident.due_at("acknowledge") == incident.created_at + timedelta(hours=48)
    assert incident.overdue_stages() == []
    assert not Incident.objects.filter(pk=incident.pk).filter(overdue_filter()).exists()
    listed = client_as(officer).get(reverse("incidents:incident_list"), {"overdue": "on"})
    assert incident.reference not in listed.content.decode()

    time_target_update(actor=officer, target=target("sev3"), data={"acknowledge_hours": 12})
    assert Incident.objects.get(pk=incident.pk).overdue_stages() == ["acknowledge"]


def overdue_filter():
    from incidents.models import overdue_q

    return overdue_q()


# --- Validation -----------------------------------------------------------------------------


def test_service_refuses_stages_out_of_order_with_a_field_error(officer):
    with pytest.raises(ValidationError) as refused:
        time_target_update(actor=officer, target=target("sev1"), data={"contain_hours": 0})
    assert "contain_hours" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        time_target_update(actor=officer, target=target("sev1"), data={"resolve_hours": 3})
    assert "at least 4 hours" in refused.value.message_dict["resolve_hours"][0]
    with pytest.raises(ValidationError) as refused:
        time_target_update(actor=officer, target=target("sev1"), data={"severity": "sev2"})
    assert "severity" in refused.value.message_dict
    assert time_targets()["sev1"] == DEFAULT_TIME_TARGETS["sev1"]
    assert not IncidentTimeTarget.history.filter(history_type="~").exists()


def test_page_refuses_out_of_order_hours_and_saves_no_severity(client_as, officer):
    data = page_data(sev1_acknowledge=2, sev2_acknowledge=30)  # SEV2 contains in 24 h
    response = client_as(officer).post(reverse(PAGE), data)
    assert response.status_code == 400
    form = next(f for f in response.context["forms"] if f.instance.severity == "sev2")
    assert "Containing cannot be due before acknowledging" in form.errors["contain_hours"][0]
    page = response.content.decode()
    assert 'aria-invalid="true" aria-describedby="id_sev2-contain_hours_errors"' in page
    assert "nothing was saved" in page
    assert target("sev1").acknowledge_hours == 1  # the valid SEV1 change is not half-applied

    response = client_as(officer).post(reverse(PAGE), page_data(sev4_resolve="soon"))
    assert response.status_code == 400
    assert "Give a whole number of hours from 1 to 8760." in response.content.decode()


def test_api_refuses_out_of_order_hours_with_a_field_error(api_as, officer):
    pk = target("sev1").pk
    response = api_as(officer).patch(f"{API}{pk}/", {"resolve_hours": 2}, format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "resolve_hours" in body["extra"]["fields"]
    response = api_as(officer).patch(f"{API}{pk}/", {"acknowledge_hours": 0}, format="json")
    assert response.status_code == 400 and "acknowledge_hours" in response.json()["extra"]["fields"]
    assert target("sev1").resolve_hours == 72


# --- Who may do what ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "approver", "auditor"])
def test_readers_see_the_targets_but_cannot_change_them(role, request, client_as, api_as):
    user = request.getfixturevalue(role)
    page = client_as(user).get(reverse(PAGE))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Save time targets" not in html and 'name="sev1-acknowledge_hours"' not in html
    assert client_as(user).post(reverse(PAGE), page_data(sev1_acknowledge=2)).status_code == 403

    api = api_as(user)
    listed = api.get(API)
    assert listed.status_code == 200 and len(listed.json()) == 4
    pk = target("sev1").pk
    assert api.get(f"{API}{pk}/").json()["acknowledge_hours"] == 1
    assert api.patch(f"{API}{pk}/", {"acknowledge_hours": 2}, format="json").status_code == 403
    with pytest.raises(RuleForbidden):
        time_target_update(actor=user, target=target("sev1"), data={"acknowledge_hours": 2})
    assert target("sev1").acknowledge_hours == 1


def test_users_without_a_role_see_no_targets(client_as, api_as, nobody):
    assert client_as(nobody).get(reverse(PAGE)).status_code == 403
    assert api_as(nobody).get(API).json() == []
    assert api_as(nobody).get(f"{API}{target('sev1').pk}/").status_code == 404


def test_anonymous_is_sent_to_log_in(client, api):
    response = client.get(reverse(PAGE))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert api.get(API).status_code == 401


# --- The page, the API and the history ------------------------------------------------------


def test_officer_edits_on_the_page_with_labels_and_a_confirmation(client_as, officer):
    client = client_as(officer)
    page = client.get(reverse(PAGE)).content.decode()
    assert '<label class="visually-hidden" for="id_sev1-acknowledge_hours">' in page
    assert "SEV1 — hours to acknowledge</label>" in page
    assert "SEV4 — hours to resolve</label>" in page
    assert page.count("<h1") == 1

    data = {**page_data(sev2_resolve=120), "note": "Committee asked for faster fixes"}
    response = client.post(reverse(PAGE), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse(PAGE)
    assert "Time targets saved: SEV2 changed." in response.content.decode()
    assert target("sev2").resolve_hours == 120

    response = client.post(reverse(PAGE), page_data(), follow=True)
    assert "No time target changed." in response.content.decode()


def test_history_records_who_changed_what_and_why(officer, client_as):
    client_as(officer).post(
        reverse(PAGE), {**page_data(sev3_contain=48), "note": "Aligned with the SLA"}
    )
    row = IncidentTimeTarget.history.filter(severity="sev3").latest()
    assert row.history_type == "~" and row.history_user == officer
    assert row.history_change_reason == (
        "Time targets of SEV3 changed: contain 72 -> 48 h. Why: Aligned with the SLA"
    )
    assert target("sev3").updated_by == officer
    # Only the changed severity gets a history row.
    assert IncidentTimeTarget.history.filter(history_type="~").count() == 1


def test_officer_patches_through_the_api(api_as, officer):
    api = api_as(officer)
    pk = target("sev4").pk
    response = api.patch(
        f"{API}{pk}/", {"acknowledge_hours": 48, "note": "Backlog is smaller"}, format="json"
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["severity"], body["acknowledge_hours"], body["contain_hours"]) == ("sev4", 48, 168)
    assert body["updated_by_username"] == officer.username and "note" not in body
    row = IncidentTimeTarget.history.filter(severity="sev4").latest()
    assert row.history_user == officer and "Why: Backlog is smaller" in row.history_change_reason
    assert time_targets()["sev4"]["acknowledge"] == 48
    assert api.put(f"{API}{pk}/", body, format="json").status_code == 405
    assert api.delete(f"{API}{pk}/").status_code == 405
    assert api.post(API, {"severity": "sev1"}, format="json").status_code == 405


def test_settings_menu_and_incident_list_link_to_the_page(client_as, officer, owner):
    url = reverse(PAGE)
    dashboard = client_as(officer).get(reverse("aims:dashboard")).content.decode()
    assert f'href="{url}"' in dashboard
    listing = client_as(officer).get(reverse("incidents:incident_list")).content.decode()
    assert f'href="{url}"' in listing and "Time targets" in listing
    # Owners read the targets from the incident list; they get no Settings menu.
    listing = client_as(owner).get(reverse("incidents:incident_list")).content.decode()
    assert f'href="{url}"' in listing


# --- Cost -----------------------------------------------------------------------------------


def test_incident_list_queries_do_not_grow_with_incidents(client_as, officer, report):
    client = client_as(officer)
    url = reverse("incidents:incident_list")
    report()
    rows = []  # incidents each counted page showed: the count compares full lists

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        rows.append(len(set(re.findall(r"INC-\d{4}", response.content.decode()))))
        return len(ctx)

    count()
    warm = count()
    for n in range(6):
        reported_hours_ago(report, 100 + n, severity=["sev1", "sev2", "sev4"][n % 3])
    assert count() == warm
    assert (rows[0], rows[-1]) == (1, 7)
    time_target_update(actor=officer, target=target("sev1"), data={"acknowledge_hours": 2})
    assert count() == warm + 1  # the targets are read once again, not once per incident
    assert count() == warm


def test_two_officers_editing_the_page_keep_each_others_changes(client_as, officer, officer2):
    other = officer2
    loaded_by_first = page_data(sev1_acknowledge=2)  # the first officer's page, then edited
    client_as(other).post(reverse(PAGE), page_data(sev2_contain=12))
    response = client_as(officer).post(reverse(PAGE), loaded_by_first)
    assert response.status_code == 302
    assert IncidentTimeTarget.objects.get(severity="sev1").acknowledge_hours == 2
    assert IncidentTimeTarget.objects.get(severity="sev2").contain_hours == 12  # kept
