"""Feedback from interested parties: recorded by officers through the service (history with
actor and reason), in the browser and the API with clear field errors, read by auditors."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from aims.errors import RuleForbidden
from aims.models import PartyFeedback
from aims.ms import services as ms_services

pytestmark = pytest.mark.django_db
URL = "/api/v1/party-feedback/"


def as_user(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def party(officer):
    return ms_services.party_save(
        actor=officer,
        data={"name": "Works council", "category": "employees", "requirements": "Consultation"},
    )


def payload(who, **overrides) -> dict:
    return {"party": who.pk, "received_on": timezone.localdate().isoformat(),
            "summary": "Staff want to know when a CV is screened by AI", **overrides}  # fmt: skip


def test_service_records_feedback_with_history(officer, party):
    item = ms_services.feedback_save(
        actor=officer,
        data={"party": party, "received_on": timezone.localdate(), "summary": "Asked for a talk"},
    )
    assert item.owner == officer  # received by the actor unless named
    record = item.history.get()
    assert record.history_user == officer
    assert record.history_change_reason == "Feedback from an interested party recorded"


def test_only_officers_record_feedback(approver, party):
    with pytest.raises(RuleForbidden):
        ms_services.feedback_save(
            actor=approver,
            data={"party": party, "received_on": timezone.localdate(), "summary": "x"},
        )
    assert not PartyFeedback.objects.exists()


def test_api_create_rejects_bad_input_with_field_errors(officer, party):
    client = as_user(officer)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    for bad, field in (({"received_on": tomorrow}, "received_on"), ({"party": 999999}, "party"),
                       ({"summary": ""}, "summary")):  # fmt: skip
        response = client.post(URL, payload(party, **bad), format="json")
        assert response.status_code == 400, bad
        assert field in response.json()["extra"]["fields"], bad
    assert not PartyFeedback.objects.exists()

    response = client.post(URL, payload(party), format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["party_name"] == "Works council" and body["received_by"] == officer.username


def test_auditor_reads_feedback_and_writes_none(officer, auditor, owner, party):
    item = ms_services.feedback_save(
        actor=officer,
        data={"party": party, "received_on": timezone.localdate(), "summary": "Praise for the FAQ"},
    )
    client = as_user(auditor)
    assert client.get(URL).json()["results"][0]["summary"] == "Praise for the FAQ"
    assert client.post(URL, payload(party), format="json").status_code == 403
    assert client.delete(f"{URL}{item.pk}/").status_code == 403
    assert as_user(owner).get(URL).status_code == 403
    assert PartyFeedback.objects.count() == 1


def test_officer_records_and_lists_feedback_in_the_browser(client_as, officer, auditor, party):
    client = client_as(officer)
    future = (timezone.localdate() + timedelta(days=3)).isoformat()
    refused = client.post("/management-system/feedback/new/", payload(party, received_on=future))
    assert refused.status_code == 400
    assert "cannot be received in the future" in refused.content.decode()
    response = client.post("/management-system/feedback/new/", payload(party))
    assert response.status_code == 302
    page = client_as(auditor).get("/management-system/feedback/").content.decode()
    assert "Staff want to know when a CV is screened by AI" in page
    assert "Works council" in page and "Record feedback" not in page  # auditors read only
