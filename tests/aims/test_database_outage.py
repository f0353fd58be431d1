"""A database outage while a request runs is a 503 that says nothing was saved (a page of
its own, or JSON with the code ``database_unavailable``), never a server error; a
programming error stays a loud 500. (PostgreSQL really restarted under a running server:
tests/integration/test_faults.py.)"""

import pytest
from django.db import OperationalError, ProgrammingError, connection
from django.urls import reverse

from audits.packs import selectors

from ..factories import INTAKE_DATA

pytestmark = pytest.mark.django_db


def lost(*args, **kwargs):
    # What each backend raises when the database goes away mid-request.
    if connection.vendor == "sqlite":
        raise OperationalError("database is locked")
    raise OperationalError("terminating connection due to administrator command")


def test_api_answers_503_with_the_code(api_as, officer, monkeypatch):
    monkeypatch.setattr(selectors, "evidence_pack_list", lost)
    response = api_as(officer).get(reverse("api:evidencepack-list"))
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.json()
    assert body["code"] == "database_unavailable"
    assert (
        body["message"] == "The database was unavailable; nothing was saved. Try again in a moment."
    )


def test_page_answers_503_with_the_message(client_as, officer, monkeypatch):
    monkeypatch.setattr(selectors, "evidence_pack_list", lost)
    response = client_as(officer).get(reverse("audits:pack_list"))
    assert response.status_code == 503
    page = response.content.decode()
    assert "<h1>The database was unavailable</h1>" in page
    assert "nothing was saved" in page and "database_unavailable" in page


def test_a_programming_error_is_not_taken_for_an_outage(client_as, officer, monkeypatch):
    def broken(*args, **kwargs):
        raise ProgrammingError("column does not exist")

    monkeypatch.setattr(selectors, "evidence_pack_list", broken)
    with pytest.raises(ProgrammingError):
        client_as(officer).get(reverse("audits:pack_list"))


def test_a_lost_form_post_is_offered_back_to_send_again(client_as, owner, monkeypatch):
    """What the person typed survives the outage: the 503 page carries the post back in a
    form that sends it again, so nothing typed is lost with the request."""
    from inventory import services as inventory_services

    monkeypatch.setattr(inventory_services, "system_submit_intake", lost)
    url = reverse("inventory:system_intake")
    data = {**INTAKE_DATA, "name": 'Ranker "v2" <draft>', "known_risks": "one\ntwo"}
    response = client_as(owner).post(url, data)
    assert response.status_code == 503
    page = response.content.decode()
    assert f'<form method="post" action="{url}">' in page
    assert 'name="name" value="Ranker &quot;v2&quot; &lt;draft&gt;"' in page
    assert 'name="known_risks" value="one\ntwo"' in page
    assert "Send again" in page and "attach them again" not in page


def test_a_lost_get_offers_only_the_link_back(client_as, officer, monkeypatch):
    monkeypatch.setattr(selectors, "evidence_pack_list", lost)
    page = client_as(officer).get(reverse("audits:pack_list")).content.decode()
    assert "<form" not in page and "Go back and try again" in page
