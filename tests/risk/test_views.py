"""The risk pages in the browser (server-rendered)."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils.html import escape

from inventory.models import AISystem, LifecycleStage
from risk import services
from risk.models import Risk

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


def test_impact_form_parses_harms_and_reports_bad_lines(client_as, owner, system):
    url = reverse("risk:impact_create", args=[system.pk])
    base = {"title": "IA", "affected_individuals": "A", "intended_use": "B"}
    bad = client_as(owner).post(url, {**base, "harms": "Only a description"})
    assert bad.status_code == 400 and 'id="id_harms_errors"' in bad.content.decode()
    good = client_as(owner).post(url, {**base, "harms": "Unfair rejection | 4 | 3 | irreversible"})
    assert good.status_code == 302


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
