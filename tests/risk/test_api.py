"""The risk API: same rules as the services, errors in the one shape."""

import pytest

from inventory import services as inventory_services
from risk.models import Risk

from ..factories import classify_confirmed
from .conftest import RISK

pytestmark = pytest.mark.django_db


def fields(response) -> dict:
    body = response.json()
    assert set(body) == {"message", "code", "extra"}, body
    return body["extra"].get("fields", {})


def test_bad_scores_and_unknown_category_are_field_errors(api_as, owner, system):
    response = api_as(owner).post(
        "/api/v1/risks/",
        {**RISK, "system": system.pk, "inherent_likelihood": 6, "category": "astrology"},
        format="json",
    )
    assert response.status_code == 400
    assert "category" in fields(response)
    response = api_as(owner).post(
        "/api/v1/risks/", {**RISK, "system": system.pk, "residual_impact": 9}, format="json"
    )
    assert response.status_code == 400
    assert "residual_impact" in fields(response)
    assert not Risk.objects.exists()


def test_risk_accept_through_the_api(api_as, owner, approver, system):
    created = (
        api_as(owner)
        .post(
            "/api/v1/risks/",
            {**RISK, "system": system.pk, "residual_likelihood": 4, "residual_impact": 4},
            format="json",
        )
        .json()
    )
    assert created["acceptance"] == "pending" and created["reference"] == f"RSK-{created['id']:04d}"
    url = f"/api/v1/risks/{created['id']}/accept/"
    api = api_as(approver)
    assert api.post(url, {}, format="json").status_code == 400
    response = api.post(url, {"justification": "Oversight in place"}, format="json")
    assert response.status_code == 200 and response.json()["acceptance"] == "accepted"
    again = api.post(url, {"justification": "again"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "acceptance_not_needed"


def test_register_filters_in_the_api(api_as, owner, system):
    api = api_as(owner)
    api.post("/api/v1/risks/", {**RISK, "system": system.pk}, format="json")
    api.post("/api/v1/risks/", {**RISK, "system": system.pk, "category": "privacy"}, format="json")
    listed = api.get("/api/v1/risks/?category=privacy").json()
    assert listed["count"] == 1
    cell = api.get("/api/v1/risks/?residual_likelihood=2&residual_impact=3").json()
    assert cell["count"] == 2


def test_release_refused_in_the_api_lists_what_is_missing(api_as, officer, approver, owner, system):
    classify_confirmed(officer=officer, system=system)
    response = api_as(approver).post(
        f"/api/v1/systems/{system.pk}/decide/", {"decision": "approve"}, format="json"
    )
    # intake gate is not open yet: start triage first
    assert response.status_code == 409
    inventory_services.system_transition(actor=officer, system=system, action="start_triage")
    response = api_as(approver).post(
        f"/api/v1/systems/{system.pk}/decide/", {"decision": "approve"}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "release_prerequisites_missing"
    assert body["extra"]["missing"] == [
        "A current risk assessment is missing (none dated within 6 months)."
    ]


def test_impact_assessment_sign_off_in_the_api(api_as, owner, approver, system):
    created = api_as(owner).post(
        "/api/v1/impact-assessments/",
        {
            "system": system.pk,
            "title": "IA",
            "affected_individuals": "Applicants",
            "intended_use": "Shortlisting",
            "conclusion": "Acceptable",
            "harms": [
                {"description": "Unfair rejection", "severity": 4, "likelihood": 3,
                 "reversibility": "partly_reversible"}
            ],
        },
        format="json",
    )  # fmt: skip
    assert created.status_code == 201, created.content
    ia = created.json()
    assert ia["reference"].startswith("IA-") and ia["harms"][0]["severity"] == 4
    url = f"/api/v1/impact-assessments/{ia['id']}/sign-off/"
    own = api_as(owner).post(url, {}, format="json")
    # An owner holds no sign-off permission: the service refuses before segregation of duties.
    assert own.status_code == 403 and own.json()["code"] == "permission_denied"
    assert own.json()["message"].startswith("Only governance officers and approvers sign off")
    response = api_as(approver).post(url, {"comment": "ok"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "signed_off"
    again = api_as(approver).post(url, {"comment": "twice"}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "signed_off"


def test_a_refused_write_answers_permission_denied_with_the_reason(api_as, approver, system):
    """The risk services' own permission check is labelled like every other app's refusal,
    and nothing is written."""
    response = api_as(approver).post("/api/v1/risks/", {**RISK, "system": system.pk}, format="json")
    assert response.status_code == 403
    body = response.json()
    assert body["code"] == "permission_denied"
    assert body["message"] == "You do not have permission to do this."
    assert not Risk.objects.exists()


def test_a_refused_acceptance_answers_permission_denied(api_as, owner, system):
    """Accepting a residual risk is the approvers' permission: the owner is refused with
    "permission_denied" and the risk stays pending."""
    created = api_as(owner).post(
        "/api/v1/risks/",
        {**RISK, "system": system.pk, "residual_likelihood": 4, "residual_impact": 4},
        format="json",
    )
    risk_id = created.json()["id"]
    response = api_as(owner).post(
        f"/api/v1/risks/{risk_id}/accept/", {"justification": "Mine"}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {
        "message": "Only approvers accept residual risks.",
        "code": "permission_denied",
        "extra": {},
    }
    assert Risk.objects.get(pk=risk_id).acceptance == Risk.Acceptance.PENDING


def test_methodology_patch_validates(api_as, officer):
    api = api_as(officer)
    pk = api.get("/api/v1/risk-methodology/").json()[0]["id"]
    response = api.patch(
        f"/api/v1/risk-methodology/{pk}/",
        {"thresholds": {"low": 30, "medium": 40, "high": 50}},
        format="json",
    )
    assert response.status_code == 400 and "thresholds" in fields(response)


def test_risk_history_of_a_system(api_as, owner, officer, system):
    api_as(owner).post("/api/v1/risks/", {**RISK, "system": system.pk}, format="json")
    classify_confirmed(officer=officer, system=system)
    body = api_as(officer).get(f"/api/v1/risk-profiles/{system.pk}/history/").json()
    models = {entry["model"] for entry in body["results"]}
    assert {"risk.risk", "risk.classification", "risk.tierdecision"} <= models
    assert all(entry["history_change_reason"] for entry in body["results"])


def test_impact_harms_errors_name_the_row_and_the_field(api_as, owner, system):
    harm = {"description": "Unfair rejection", "severity": 4, "likelihood": 3}
    response = api_as(owner).post(
        "/api/v1/impact-assessments/",
        {
            "system": system.pk,
            "title": "IA",
            "affected_individuals": "Applicants",
            "intended_use": "Shortlisting",
            "harms": [
                {**harm, "reversibility": "irreversible"},
                {"description": "Loss of income", "likelihood": 2, "reversibility": "reversible"},
            ],
        },
        format="json",
    )
    assert response.status_code == 400
    rows = response.json()["extra"]["fields"]["harms"]
    # Keyed by the row's index in "harms" (from 0): the second harm lacks its severity.
    assert rows == {"1": {"severity": ["Give a score from 1 to 5."]}}
