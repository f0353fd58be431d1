"""The first run's API: the organisation profile, the steps, the gap assessment. Officers
write, auditors read; bad input is a 400 with field errors and saves nothing."""

import pytest

from aims.models import OrganisationProfile
from audits.models import ControlStatement, FirstRun
from audits.onboarding import selectors

from .test_services import PROFILE

pytestmark = pytest.mark.django_db

PROFILE_URL = "/api/v1/organisation-profile/"
FIRST_RUN_URL = "/api/v1/first-run/"
GAP_URL = "/api/v1/gap-assessment/"


def test_officer_puts_the_profile_and_auditor_reads_it(api_as, officer, auditor):
    api = api_as(officer)
    assert api.get(PROFILE_URL).status_code == 404
    response = api.put(PROFILE_URL, {**PROFILE, "frameworks": ["nist_ai_rmf"]}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["frameworks"] == ["iso42001", "nist_ai_rmf"]
    response = api.put(PROFILE_URL, {**PROFILE, "legal_name": "Renamed Ltd"}, format="json")
    assert response.json()["legal_name"] == "Renamed Ltd"
    assert OrganisationProfile.objects.count() == 1

    reader = api_as(auditor)
    assert reader.get(PROFILE_URL).json()["legal_name"] == "Renamed Ltd"
    assert reader.put(PROFILE_URL, PROFILE, format="json").status_code == 403


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"legal_name": ""}, "legal_name"),
        ({"frameworks": ["sox"]}, "frameworks"),
        ({"sector": "mining"}, "sector"),
        ({"frameworks": ["other"]}, "frameworks_other"),
    ],
)
def test_bad_profiles_are_400_with_field_errors(api_as, officer, bad, field):
    response = api_as(officer).put(PROFILE_URL, {**PROFILE, **bad}, format="json")
    assert response.status_code == 400
    assert field in response.json()["extra"]["fields"]
    assert not OrganisationProfile.objects.exists()


@pytest.mark.parametrize("role", ["owner", "auditor", "approver"])
def test_non_officers_cannot_write(request, api_as, role):
    api = api_as(request.getfixturevalue(role))
    assert api.put(PROFILE_URL, PROFILE, format="json").status_code == 403
    body = {"answers": [{"code": "4.1", "status": "implemented"}]}
    assert api.post(GAP_URL, body, format="json").status_code == 403
    assert not FirstRun.objects.exists()


def test_first_run_steps(api_as, officer, auditor, owner):
    api_as(officer).put(PROFILE_URL, PROFILE, format="json")
    body = api_as(auditor).get(FIRST_RUN_URL).json()
    assert body["needed"] is False and body["done"] is False
    assert [(s["key"], s["status"]) for s in body["steps"]][:2] == [
        ("profile", "done"),
        ("scope", "to_do"),
    ]
    assert api_as(owner).get(FIRST_RUN_URL).status_code == 403


def test_gap_assessment_batch(api_as, officer, owner, auditor):
    api = api_as(officer)
    body = {
        "answers": [
            {"code": "4.1", "status": "implemented", "owner": owner.pk, "evidence_note": "Memo"},
            {"code": "A.2.2", "status": "partly"},
        ]
    }
    response = api.post(GAP_URL, body, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["saved"] == 2 and response.json()["assessed"] == 2
    st = ControlStatement.objects.get(item__code="4.1")
    assert (st.implementation_status, st.owner, st.implementation_notes) == (
        "implemented",
        owner,
        "Memo",
    )
    listing = api_as(auditor).get(GAP_URL).json()
    assert listing["total"] == selectors.gap_counts()[1] == len(listing["items"])
    by_code = {i["code"]: i for i in listing["items"]}
    assert by_code["4.1"]["gap_status"] == "implemented" and by_code["4.1"]["assessed"]
    assert by_code["A.2.2"]["gap_status"] == "partly"
    assert by_code["4.2"]["gap_status"] is None and not by_code["4.2"]["assessed"]


def test_gap_assessment_field_errors(api_as, officer):
    api = api_as(officer)
    body = {
        "answers": [
            {"code": "4.1", "status": "implemented"},
            {"code": "Z.1", "status": "not"},
            {"code": "4.2", "status": "mostly"},
        ]
    }
    response = api.post(GAP_URL, body, format="json")
    assert response.status_code == 400
    fields = response.json()["extra"]["fields"]
    assert "answers.1.code" in fields and "answers.2.status" in fields
    assert ControlStatement.objects.get(item__code="4.1").implementation_status == "not_started"
    assert api.post(GAP_URL, {"answers": []}, format="json").status_code == 400
    assert api.post(GAP_URL, {}, format="json").status_code == 400


def test_gap_list_reads_in_bounded_queries(api_as, auditor, django_assert_max_num_queries):
    api = api_as(auditor)
    api.get(GAP_URL)
    with django_assert_max_num_queries(12):
        assert api.get(GAP_URL).status_code == 200


def test_routes_are_in_the_schema(api_as, officer):
    schema = api_as(officer).get("/api/schema/?format=json").json()
    for path in (PROFILE_URL, FIRST_RUN_URL, GAP_URL):
        assert f"/api/v1{path.removeprefix('/api/v1')}" in schema["paths"]
