"""Triage with substance (issue 15, part 2): starting triage records notes, the governance
officer who triages and a target date, in the browser and through the API; bad input is
refused field by field and nothing changes. And every workflow message says what happened to
which record (part 3)."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import escape
from rest_framework.test import APIClient

from aims.roles import APPROVER, OFFICER, OWNER
from inventory import services
from inventory.models import AISystem
from tests.factories import make_system, user_with_role

pytestmark = pytest.mark.django_db

TARGET = date.today() + timedelta(days=8)


@pytest.fixture
def officer():
    return user_with_role(OFFICER, first_name="Otto", last_name="Officer")


@pytest.fixture
def olivia():
    return user_with_role(OFFICER, first_name="Olivia", last_name="Officer")


@pytest.fixture
def owner():
    return user_with_role(OWNER, first_name="Oscar", last_name="Owner")


@pytest.fixture
def system(owner):
    return make_system(owner, name="Loan scoring")


def triage_url(system) -> str:
    return reverse("inventory:system_triage", args=[system.pk])


def unchanged(system) -> None:
    stored = AISystem.objects.get(pk=system.pk)
    assert stored.lifecycle_stage == "intake_submitted"
    assert stored.triage_assignee is None and stored.triage_notes == ""
    assert stored.history.count() == 1


def test_an_officer_starts_triage_with_notes_assignee_and_date(client, officer, olivia, system):
    client.force_login(officer)
    form = client.get(triage_url(system))
    assert form.status_code == 200
    # Only people who can triage are offered, by name.
    assert "Olivia Officer" in form.content.decode()
    assert "Oscar Owner" not in form.content.decode()

    response = client.post(
        triage_url(system),
        {"assignee": olivia.pk, "target_date": TARGET.isoformat(), "notes": "Check the data"},
        follow=True,
    )
    stored = AISystem.objects.get(pk=system.pk)
    assert stored.lifecycle_stage == "in_triage"
    assert stored.triage_assignee == olivia
    assert stored.triage_target_date == TARGET
    assert stored.triage_notes == "Check the data"
    text = response.content.decode()
    assert (
        escape(
            f"{system.reference} Loan scoring is now in triage, assigned to Olivia Officer, "
            f"target {TARGET:%d %b %Y}."
        )
        in text
    )
    # Shown on the system page, kept in the history, and the assignee is told.
    assert 'id="triage"' in text and "Check the data" in text
    latest = stored.history.first()
    assert latest.triage_assignee_id == olivia.pk and latest.history_user == officer
    assert olivia.notifications.filter(title__contains=system.reference).exists()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"target_date": (date.today() - timedelta(days=1)).isoformat()}, "target date"),
        ({"target_date": ""}, "target date"),
        ({"notes": ""}, "notes"),
    ],
)
def test_bad_triage_input_is_a_form_error_and_nothing_changes(client, officer, system, data, field):
    client.force_login(officer)
    payload = {"assignee": officer.pk, "target_date": TARGET.isoformat(), "notes": "N"}
    response = client.post(triage_url(system), {**payload, **data})
    assert response.status_code == 400
    assert field in response.content.decode().lower()
    unchanged(system)


def test_the_assignee_must_be_able_to_triage(client, officer, owner, system):
    client.force_login(officer)
    response = client.post(
        triage_url(system),
        {"assignee": owner.pk, "target_date": TARGET.isoformat(), "notes": "N"},
    )
    assert response.status_code == 400
    unchanged(system)
    # The rule itself lives beside the service: the API and any caller meet it.
    with pytest.raises(ValidationError) as refused:
        services.system_transition(
            actor=officer, system=system, action="start_triage", assignee=owner
        )
    assert "cannot triage intakes" in str(refused.value)
    unchanged(system)


def test_who_may_not_triage_cannot_open_the_form(client, owner, system):
    for user in (owner, user_with_role(APPROVER)):
        client.force_login(user)
        assert client.get(triage_url(system)).status_code == 403
        assert (
            client.post(
                triage_url(system),
                {"assignee": user.pk, "target_date": TARGET.isoformat(), "notes": "N"},
            ).status_code
            == 403
        )
    unchanged(system)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def transition_url(system) -> str:
    return reverse("api:system-transition", args=[system.pk])


def test_triage_through_the_api(officer, olivia, system):
    response = api(officer).post(
        transition_url(system),
        {
            "action": "start_triage",
            "assignee": olivia.pk,
            "target_date": TARGET.isoformat(),
            "notes": "Ask the vendor for the model card",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["lifecycle_stage"] == "in_triage"
    assert body["triage_assignee"] == olivia.pk
    assert body["triage_assignee_name"] == "Olivia Officer"
    assert body["triage_target_date"] == TARGET.isoformat()
    assert body["triage_notes"] == "Ask the vendor for the model card"


def test_an_old_api_caller_naming_only_the_action_triages_it_themselves(officer, system):
    response = api(officer).post(transition_url(system), {"action": "start_triage"}, format="json")
    assert response.status_code == 200
    stored = AISystem.objects.get(pk=system.pk)
    assert stored.triage_assignee == officer and stored.triage_target_date is None


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"target_date": (date.today() - timedelta(days=1)).isoformat()}, "target_date"),
        ({"target_date": "next week"}, "target_date"),
        ({"assignee": "owner"}, "assignee"),
        ({"notes": "x" * 5001}, "notes"),
    ],
)
def test_bad_triage_input_through_the_api_is_400(officer, owner, system, extra, field):
    if extra.get("assignee") == "owner":
        extra = {"assignee": owner.pk}
    response = api(officer).post(
        transition_url(system), {"action": "start_triage", **extra}, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.content.decode()
    unchanged(system)


def test_triage_details_go_with_start_triage_only(officer, owner, system):
    services.system_transition(actor=officer, system=system, action="start_triage")
    services.approval_decide(actor=user_with_role(APPROVER), system=system, decision="approve")
    response = api(owner).post(
        transition_url(system),
        {"action": "start_validation", "notes": "Misplaced"},
        format="json",
    )
    assert response.status_code == 400
    assert AISystem.objects.get(pk=system.pk).lifecycle_stage == "approved_for_development"


# --- part 3: every workflow message says what happened to which record ----------------------


def test_lifecycle_messages_name_the_system_and_where_it_is_now(client, officer, owner, system):
    services.system_transition(actor=officer, system=system, action="start_triage")
    services.approval_decide(actor=user_with_role(APPROVER), system=system, decision="approve")
    client.force_login(owner)
    response = client.post(
        reverse("inventory:system_transition", args=[system.pk, "start_validation"]),
        follow=True,
    )
    assert f"{system.reference} Loan scoring is now in validation." in response.content.decode()
    response = client.post(
        reverse("inventory:system_transition", args=[system.pk, "retire"]), follow=True
    )
    assert f"{system.reference} Loan scoring is now retired." in response.content.decode()
