"""History battery entries of the risk app (collected by test_battery.py)."""

from datetime import date

from risk import services
from risk.models import (
    Classification,
    ImpactAssessment,
    Methodology,
    ObligationTimeline,
    Risk,
    RiskAssessment,
    TierDecision,
    TierRequirement,
    TreatmentAction,
)

from ..factories import answers_with, classify_confirmed
from .battery_framework import Entry, api, by_id

ANSWERS = answers_with()
RISK = {
    "title": "Battery risk",
    "category": "fairness",
    "risk_source": "machine_learning",
    "inherent_likelihood": 4,
    "inherent_impact": 4,
    "treatment": "mitigate",
    "residual_likelihood": 2,
    "residual_impact": 3,
}
IMPACT = {"title": "Battery IA", "affected_individuals": "Applicants", "intended_use": "Ranking"}


def methodology_pk() -> int:
    return services.methodology_current().pk


def requirement_pk() -> int:
    return TierRequirement.objects.get(tier="high", gate="release").pk


def make_risk(w) -> Risk:
    return services.risk_save(actor=w.owner, risk=Risk(system=w.system), data=dict(RISK))


def classify(w) -> Classification:
    return classify_confirmed(officer=w.officer, system=w.system)


def timeline_pk() -> int:
    return services.timeline_current().pk


BATTERY = {
    ObligationTimeline: Entry(
        actor="officer",
        stage="in_triage",
        create=lambda w: services.timeline_update(actor=w.officer, data={"timeline": "omnibus"}),
        api_create=lambda w: (
            "patch",
            api("obligationtimeline-detail", timeline_pk()),
            {"timeline": "omnibus", "overrides": {"annex_iii": "2027-12-02"}},
            "json",
        ),
        api_bad=lambda w: (
            "patch",
            api("obligationtimeline-detail", timeline_pk()),
            {"timeline": "someday"},
            "json",
        ),
        api_result=by_id(ObligationTimeline),
    ),
    Methodology: Entry(
        actor="officer",
        stage="in_triage",
        create=lambda w: services.methodology_update(actor=w.officer, data={"appetite": "high"}),
        api_create=lambda w: (
            "patch",
            api("methodology-detail", methodology_pk()),
            {"appetite": "high"},
            "json",
        ),
        api_bad=lambda w: (
            "patch",
            api("methodology-detail", methodology_pk()),
            {"appetite": "extreme"},
            "json",
        ),
        api_result=by_id(Methodology),
    ),
    Classification: Entry(
        actor="officer",
        stage="in_triage",
        create=classify,
        api_create=lambda w: (
            "post",
            api("classification-list"),
            {"system": w.system.pk, "answers": ANSWERS, "role": "deployer"},
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("classification-list"),
            {"system": w.system.pk, "answers": {"astrology": True}, "role": "deployer"},
            "json",
        ),
        api_result=by_id(Classification),
    ),
    TierDecision: Entry(
        actor="officer",
        stage="in_triage",
        create=lambda w: classify(w) and TierDecision.objects.get(system=w.system),
        api_create=lambda w: (
            "post",
            api("classification-list"),
            {"system": w.system.pk, "answers": ANSWERS, "role": "provider"},
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("classification-list"),
            {"system": w.system.pk, "answers": ANSWERS, "role": "king"},
            "json",
        ),
        api_result=lambda body: TierDecision.objects.get(system_id=body["system"]),
    ),
    TierRequirement: Entry(
        actor="officer",
        stage="in_triage",
        create=lambda w: services.tier_requirement_update(
            actor=w.officer,
            requirement=TierRequirement.objects.get(pk=requirement_pk()),
            data={"min_approvals": 3},
        ),
        api_create=lambda w: (
            "patch",
            api("tierrequirement-detail", requirement_pk()),
            {"min_approvals": 3},
            "json",
        ),
        api_bad=lambda w: (
            "patch",
            api("tierrequirement-detail", requirement_pk()),
            {"min_approvals": 0},
            "json",
        ),
        api_result=by_id(TierRequirement),
    ),
    RiskAssessment: Entry(
        actor="owner",
        stage="in_triage",
        create=lambda w: services.assessment_save(
            actor=w.owner,
            assessment=RiskAssessment(system=w.system),
            data={"title": "Battery RA", "assessed_on": date(2026, 3, 1), "scope": "All"},
        ),
        api_create=lambda w: (
            "post",
            api("riskassessment-list"),
            {"system": w.system.pk, "title": "RA", "assessed_on": "2026-03-01", "scope": "All"},
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("riskassessment-list"),
            {"system": w.system.pk, "title": "", "assessed_on": "yesterday"},
            "json",
        ),
        api_result=by_id(RiskAssessment),
    ),
    Risk: Entry(
        actor="owner",
        stage="in_triage",
        create=make_risk,
        api_create=lambda w: ("post", api("risk-list"), {"system": w.system.pk, **RISK}, "json"),
        api_bad=lambda w: (
            "post",
            api("risk-list"),
            {"system": w.system.pk, **RISK, "inherent_likelihood": 9},
            "json",
        ),
        api_result=by_id(Risk),
    ),
    TreatmentAction: Entry(
        actor="owner",
        stage="in_triage",
        create=lambda w: services.action_save(
            actor=w.owner, action=TreatmentAction(risk=make_risk(w)), data={"title": "Retrain"}
        ),
        api_create=lambda w: (
            "post",
            api("treatmentaction-list"),
            {"risk": make_risk(w).pk, "title": "Retrain"},
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("treatmentaction-list"),
            {"risk": 999999, "title": ""},
            "json",
        ),
        api_result=by_id(TreatmentAction),
    ),
    ImpactAssessment: Entry(
        actor="owner",
        stage="in_triage",
        create=lambda w: services.impact_save(
            actor=w.owner, impact=ImpactAssessment(system=w.system), data=dict(IMPACT)
        ),
        api_create=lambda w: (
            "post",
            api("impactassessment-list"),
            {"system": w.system.pk, **IMPACT},
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("impactassessment-list"),
            {
                "system": w.system.pk,
                **IMPACT,
                "harms": [
                    {"description": "x", "severity": 9, "likelihood": 1, "reversibility": "maybe"}
                ],
            },
            "json",
        ),
        api_result=by_id(ImpactAssessment),
    ),
}
