"""A write that names a field it cannot set is refused with a 400 naming the field, and
changes nothing; a write's answer shows the record as saved (issue 13, "no silent ignores")."""

import pytest
from django.urls import reverse

from inventory.models import AISystem
from tests.factories import make_system

pytestmark = pytest.mark.django_db


def _history_count(system: AISystem) -> int:
    return system.history.count()


@pytest.mark.parametrize(
    "payload,field,says",
    [
        ({"lifecycle_stage": "deployed"}, "lifecycle_stage", "read-only"),
        ({"risk_tier": "minimal"}, "risk_tier", "read-only"),
        ({"purpose": "Ranks CVs.", "no_such_field": 1}, "no_such_field", "Unknown field"),
    ],
)
@pytest.mark.parametrize("role", ["owner", "officer"])
def test_a_write_naming_a_field_it_cannot_set_is_refused(
    request, api_as, role, payload, field, says
):
    owner = request.getfixturevalue("owner")
    system = make_system(owner)
    before = AISystem.objects.values().get(pk=system.pk)
    history = _history_count(system)

    response = api_as(request.getfixturevalue(role)).patch(
        reverse("api:system-detail", args=[system.pk]), payload, format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert says in " ".join(body["extra"]["fields"][field])
    # Nothing was saved, not even the valid part of the payload.
    assert AISystem.objects.values().get(pk=system.pk) == before
    assert _history_count(system) == history


def test_a_valid_write_answers_with_the_record_as_saved(api_as, owner):
    system = make_system(owner)
    response = api_as(owner).patch(
        reverse("api:system-detail", args=[system.pk]),
        {"purpose": "Ranks CVs for recruiters, with reasons."},
        format="json",
    )
    assert response.status_code == 200
    saved = AISystem.objects.get(pk=system.pk)
    body = response.json()
    assert body["purpose"] == saved.purpose == "Ranks CVs for recruiters, with reasons."
    assert body["risk_tier"] == saved.risk_tier
    assert body["lifecycle_stage"] == saved.lifecycle_stage


def test_a_write_that_raises_the_tier_answers_with_the_new_tier(api_as, officer, owner):
    """The tier is recomputed on another copy of the row after the save (risk.signals); the
    answer must show it, not the tier the request started from."""
    from tests.factories import classify_confirmed

    system = make_system(owner)
    classify_confirmed(officer=officer, system=system, result="minimal")
    system.refresh_from_db()
    assert system.risk_tier != "high"

    response = api_as(officer).patch(
        reverse("api:system-detail", args=[system.pk]),
        {"decision_impact": "decides_alone"},
        format="json",
    )

    assert response.status_code == 200
    assert AISystem.objects.get(pk=system.pk).risk_tier == "high"
    assert response.json()["risk_tier"] == "high"
