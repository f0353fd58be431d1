"""The incident workflow's messages say what happened to which incident, in words (issue 15,
part 3)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_transition_messages_name_the_incident_and_its_new_status(client_as, owner, report):
    incident = report()
    client = client_as(owner)
    response = client.post(
        reverse("incidents:incident_transition", args=[incident.pk, "triage"]), follow=True
    )
    assert f"{incident.reference} {incident.title} is now triaged." in response.content.decode()
    response = client.post(
        reverse("incidents:incident_transition", args=[incident.pk, "contain"]),
        {"note": "Rolled back the prompt"},
        follow=True,
    )
    assert f"{incident.reference} {incident.title} is now contained." in (response.content.decode())
