"""A 2 MB purpose is refused with a field error in the browser and the API: nothing is saved
and no history row is written (it was accepted and copied into history on each edit)."""

import pytest
from django.urls import reverse

from tests.api.conftest import api_url
from tests.factories import INTAKE_DATA

pytestmark = pytest.mark.django_db

HUGE = "x" * (2 * 1024 * 1024)


def test_browser_edit_with_a_huge_purpose_is_a_field_error_and_saves_nothing(
    client_as, owner, system, settings
):
    rows = system.history.count()
    response = client_as(owner).post(
        reverse("inventory:system_edit", args=[system.pk]),
        {**INTAKE_DATA, "user_facing": "", "used_in_eu": "on", "review_cadence_months": 12,
         "purpose": HUGE},
    )  # fmt: skip
    assert response.status_code in (200, 400)
    limit = settings.AIMS_TEXT_MAX_LENGTH
    assert f"Ensure this value has at most {limit} characters (it has {len(HUGE)})." in (
        response.content.decode()
    )
    system.refresh_from_db()
    assert system.purpose == INTAKE_DATA["purpose"]
    assert system.history.count() == rows


@pytest.mark.parametrize("length_over", [1, len(HUGE)])
def test_api_edit_with_a_too_long_purpose_is_a_400_and_saves_nothing(
    api_as, owner, system, settings, length_over
):
    rows = system.history.count()
    limit = settings.AIMS_TEXT_MAX_LENGTH
    response = api_as(owner).patch(
        api_url("system-detail", system.pk),
        {"purpose": "y" * (limit + length_over) if length_over == 1 else HUGE},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["extra"]["fields"]["purpose"] == [
        f"Ensure this field has no more than {limit} characters."
    ]
    system.refresh_from_db()
    assert system.purpose == INTAKE_DATA["purpose"]
    assert system.history.count() == rows


def test_text_at_the_limit_is_accepted(api_as, owner, system, settings):
    settings.AIMS_TEXT_MAX_LENGTH = 50
    response = api_as(owner).patch(
        api_url("system-detail", system.pk), {"purpose": "z" * 50}, format="json"
    )
    assert response.status_code == 200, response.content
    assert (
        api_as(owner)
        .patch(api_url("system-detail", system.pk), {"purpose": "z" * 51}, format="json")
        .status_code
        == 400
    )
