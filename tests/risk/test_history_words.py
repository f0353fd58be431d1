"""Risk history in words: records by reference and title (or kind and parent), related
records by reference, people by name, deleted records said so; the register's heat-map
drill-down as a sentence with the methodology's labels."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils.html import escape

from aims.history_diff import history_entries
from aims.people import display_name
from risk import services
from risk.history import system_risk_history
from risk.models import RiskAssessment, TreatmentAction

from ..factories import classify_confirmed

pytestmark = pytest.mark.django_db


def test_the_risk_history_names_records_people_and_deleted_links(
    client_as, owner, officer, other_owner, system, make_risk
):
    classify_confirmed(officer=officer, system=system)
    assessment = services.assessment_save(
        actor=owner,
        assessment=RiskAssessment(system=system),
        data={"title": "Annual", "assessed_on": date(2026, 3, 1), "scope": "Ranking"},
    )
    risk = make_risk()
    services.risk_save(actor=owner, risk=risk, data={"assessment": assessment})
    services.action_save(
        actor=owner,
        action=TreatmentAction(risk=risk),
        data={"title": "Add an age-bias test", "owner": other_owner},
    )
    RiskAssessment.objects.filter(pk=assessment.pk).delete()  # the link is cut, history stays

    html = client_as(owner).get(reverse("risk:system_risk", args=[system.pk])).content.decode()
    assert escape(f"{risk.reference} {risk.title}") in html
    assert escape(f"Classification of {system.reference} {system.name}") in html
    assert "Add an age-bias test" in html
    assert f"Record {risk.pk}" not in html

    entries = system_risk_history(system)
    link = next(c for e in entries for c in e["changes"] if c["field"] == "assessment")
    assert (link["label"], link["old"], link["new"]) == (
        "Assessment",
        None,
        f"{assessment.reference} (deleted)",
    )
    action = next(e for e in entries if e["model"] == "risk.treatmentaction")
    assert action["object_label"] == "Add an age-bias test"
    assert all(str(e["object_id"]) not in e["object_label"].split() for e in entries)


def test_people_changed_on_a_record_read_by_name(owner, other_owner, system, make_risk):
    risk = make_risk()
    services.risk_save(actor=owner, risk=risk, data={"owner": other_owner})
    owner_change = next(
        c for e in history_entries([risk.history.all()]) for c in e["changes"]
        if c["field"] == "owner"
    )  # fmt: skip
    assert (owner_change["old"], owner_change["new"]) == (
        display_name(owner),
        display_name(other_owner),
    )


def test_a_reference_less_record_without_parent_is_named_by_its_kind():
    from aims.history_diff import _object_label

    entry = {"object_reference": "", "object_repr": "", "model_name": "Scope"}
    assert _object_label(entry, None, {}, {}) == "Scope"


def test_heat_map_drill_down_reads_as_a_sentence(client_as, owner, make_risk):
    make_risk()
    html = (
        client_as(owner)
        .get(reverse("risk:register"), {"inherent_likelihood": 4, "inherent_impact": 4})
        .content.decode()
    )
    assert (
        "Showing risks with inherent likelihood 4 (Likely) and inherent impact 4 (Major)." in html
    )
    assert "inherent_likelihood" not in html.split('data-testid="heatmap-cell"')[1][:200]
