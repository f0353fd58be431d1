"""Review: a start date far from today is refused with a field error, not a 500 (the phase
ends are computed from it and overflowed past year 9999)."""

from datetime import date

import pytest

from audits.models import Plan, PlanTask

from .helpers import assess

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("start", ["9999-12-31", "0001-01-01"])
def test_api_refuses_a_start_far_from_today(api_as, officer, owner, start):
    assess(officer, owner=owner)
    made = api_as(officer).post("/api/v1/plan/generate/", {"start": start}, format="json")
    assert made.status_code == 400
    assert "start" in made.json()["extra"]["fields"]
    assert not Plan.objects.exists() and not PlanTask.objects.exists()


def test_page_refuses_a_start_far_from_today(client, officer, owner):
    assess(officer, owner=owner)
    client.force_login(officer)
    page = client.post("/plan/generate/", {"start": date(9999, 12, 31).isoformat()}, follow=True)
    assert page.status_code == 200
    assert "within a year of today" in page.content.decode()
    assert not PlanTask.objects.exists()
