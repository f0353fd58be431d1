"""The risk pages in the browser (server-rendered)."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils.html import escape

from inventory.models import AISystem, LifecycleStage
from risk import services
from risk.models import ImpactAssessment, Risk

from ..factories import classify_confirmed

pytestmark = pytest.mark.django_db


def test_system_risk_page_shows_classification_tier_checklist_and_heat_map(
    client_as, officer, system, make_risk
):
    classify_confirmed(officer=officer, system=system)
    risk = make_risk()
    page = client_as(officer).get(reverse("risk:system_risk", args=[system.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "High-risk" in html
    assert "A signed-off impact assessment is missing." in html
    assert 'data-testid="heatmap-inherent"' in html and 'data-testid="heatmap-residual"' in html
    cell = f"?system={system.pk}&amp;inherent_likelihood=4&amp;inherent_impact=4"
    assert cell in html
    assert risk.reference in html


def test_risk_form_shows_field_errors_for_scores_out_of_range(client_as, owner, system):
    response = client_as(owner).post(
        reverse("risk:risk_create", args=[system.pk]),
        {"title": "x", "category": "privacy", "risk_source": "automation",
         "inherent_likelihood": "7", "inherent_impact": "3", "treatment": "mitigate",
         "residual_likelihood": "1", "residual_impact": "1"},
    )  # fmt: skip
    assert response.status_code == 400
    assert 'id="id_inherent_likelihood_errors"' in response.content.decode()


def test_register_filters_and_csv(client_as, officer, make_risk, system):
    make_risk(title="Fairness risk")
    make_risk(title="Privacy risk", category="privacy")
    client = client_as(officer)
    page = client.get(reverse("risk:register") + "?category=privacy").content.decode()
    assert "Privacy risk" in page and "Fairness risk" not in page
    response = client.get(reverse("risk:register_export") + "?category=fairness")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][0] == "Reference" and len(rows) == 2 and rows[1][3] == "Fairness risk"


def test_dashboard_has_the_heat_map(client_as, auditor, make_risk):
    make_risk()
    html = client_as(auditor).get(reverse("aims:dashboard")).content.decode()
    assert "Risk heat map" in html and 'data-testid="heatmap-residual"' in html


def test_methodology_and_requirements_pages(client_as, officer, auditor):
    response = client_as(auditor).get(reverse("risk:methodology"))
    assert response.status_code == 200
    current = services.methodology_current()
    html = response.content.decode()
    assert f"version {current.version}" in html and escape(current.name) in html
    assert "Change the methodology" not in html  # the auditor reads, the officer changes
    page = client_as(officer).get(reverse("risk:requirements")).content.decode()
    assert "High / Release gate" in page


def harm_rows(*rows: dict, initial: int = 0) -> dict:
    """The harms rows of the impact form as posted."""
    data = {"harm-TOTAL_FORMS": str(len(rows)), "harm-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        data.update({f"harm-{index}-{key}": value for key, value in row.items()})
    return data


HARM = {
    "description": "Unfair rejection",
    "severity": "4",
    "likelihood": "3",
    "reversibility": "irreversible",
}


def test_impact_form_takes_harms_as_rows_and_stores_the_same_shape(client_as, owner, system):
    url = reverse("risk:impact_create", args=[system.pk])
    base = {"title": "IA", "affected_individuals": "A", "intended_use": "B"}
    empty = {"description": "", "severity": "", "likelihood": "", "reversibility": ""}
    good = client_as(owner).post(url, {**base, **harm_rows(HARM, empty)})
    assert good.status_code == 302
    impact = ImpactAssessment.objects.get(system=system)
    assert impact.harms == [
        {
            "description": "Unfair rejection",
            "severity": 4,
            "likelihood": 3,
            "reversibility": "irreversible",
        }
    ]
    detail = client_as(owner).get(good.url).content.decode()
    assert "4 – Major" in detail and "3 – Possible" in detail and "Irreversible" in detail
    edit = client_as(owner).get(reverse("risk:impact_edit", args=[impact.pk])).content.decode()
    assert 'value="Unfair rejection"' in edit and "Add another harm" in edit
    assert 'name="harm-1-description"' in edit  # one empty row to fill after the stored one


def test_a_harm_without_severity_is_a_row_error_and_nothing_is_lost(client_as, owner, system):
    url = reverse("risk:impact_create", args=[system.pk])
    base = {"title": "IA kept", "affected_individuals": "A", "intended_use": "B"}
    second = {**HARM, "description": "Loss of income", "severity": ""}
    response = client_as(owner).post(url, {**base, **harm_rows(HARM, second)})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Harm 2: Choose how severe the harm would be." in html
    assert 'value="Loss of income"' in html and 'value="Unfair rejection"' in html
    assert 'value="IA kept"' in html
    assert not ImpactAssessment.objects.filter(system=system).exists()


def test_add_another_harm_gives_a_row_without_saving(client_as, owner, system):
    url = reverse("risk:impact_create", args=[system.pk])
    data = {"title": "IA", "add_harm": "1", **harm_rows(HARM)}
    response = client_as(owner).post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="harm-1-description"' in html and 'value="Unfair rejection"' in html
    assert "This field is required" not in html
    assert not ImpactAssessment.objects.filter(system=system).exists()


def test_a_removed_harm_is_dropped(client_as, owner, system):
    url = reverse("risk:impact_create", args=[system.pk])
    base = {"title": "IA", "affected_individuals": "A", "intended_use": "B"}
    rows = harm_rows(HARM, {**HARM, "description": "Dropped", "DELETE": "on"})
    assert client_as(owner).post(url, {**base, **rows}).status_code == 302
    assert [h["description"] for h in ImpactAssessment.objects.get().harms] == ["Unfair rejection"]


def test_system_risk_page_shows_the_history(client_as, owner, system, make_risk):
    risk = make_risk()
    html = client_as(owner).get(reverse("risk:system_risk", args=[system.pk])).content.decode()
    assert 'id="risk-history"' in html and risk.reference in html and "Risk registered" in html


# --- A refusal by the service is shown on the form, with its status ---------------------------


def test_a_refused_acceptance_says_why_on_the_risk_page_with_status_403(
    client_as, make_risk, approver
):
    risk = make_risk(residual_likelihood=4, residual_impact=4, owner=approver)
    response = client_as(approver).post(
        reverse("risk:risk_accept", args=[risk.pk]), {"justification": "Mine, but fine"}
    )
    assert response.status_code == 403
    assert "segregation of duties forbids accepting it" in response.content.decode()
    risk.refresh_from_db()
    assert risk.acceptance == "pending"


def test_a_refused_risk_form_keeps_the_input_and_says_why_with_status_409(client_as, owner, system):
    AISystem.objects.filter(pk=system.pk).update(lifecycle_stage=LifecycleStage.RETIRED)
    data = {
        "title": "Kept title", "category": "privacy", "risk_source": "automation",
        "inherent_likelihood": "3", "inherent_impact": "3", "treatment": "mitigate",
        "residual_likelihood": "1", "residual_impact": "1",
    }  # fmt: skip
    response = client_as(owner).post(reverse("risk:risk_create", args=[system.pk]), data)
    html = response.content.decode()
    assert response.status_code == 409
    assert "its records are closed" in html and 'value="Kept title"' in html
    assert not Risk.objects.filter(title="Kept title").exists()
