"""Role x action rows of the risk app (collected by test_role_matrix.py)."""

from datetime import date

from risk import services
from risk.models import (
    Classification,
    ImpactAssessment,
    Methodology,
    Risk,
    RiskAssessment,
    TierRequirement,
    TreatmentAction,
)

from ..factories import answers_with, classify_confirmed
from .framework import (
    API_CREATE_UNDER_SYSTEM,
    API_DECIDE,
    API_GATE_WRITE,
    API_LOGGED_IN,
    API_SYSTEM_CHANGE,
    API_SYSTEM_READ,
    DECIDE,
    GATES_READ,
    GATES_WRITE,
    LOGGED_IN,
    SYSTEM_CHANGE,
    SYSTEM_READ,
    Case,
    expect,
    system_pk,
)

# fmt: off
#                       anonymous nobody owner other_owner officer approver auditor
SIGN_OFF      = expect("login    404    403   404         ok      ok       403")
API_SIGN_OFF  = expect("401      403    403   404         ok      ok       403")
# The owner answers their system's questionnaire; an officer (not the owner) confirms it.
CONFIRM       = expect("login    404    403   404         ok      403      403")
API_CONFIRM   = expect("401      403    403   404         ok      403      403")
# fmt: on

RISK_TITLE = "Matrix risk: biased ranking"
ANSWERS = answers_with()


def risk(w) -> Risk:
    return w.once(
        "_risk_risk",
        lambda: services.risk_save(
            actor=w.owner,
            risk=Risk(system=w.system),
            data={
                "title": RISK_TITLE,
                "category": "fairness",
                "risk_source": "machine_learning",
                "inherent_likelihood": 5,
                "inherent_impact": 5,
                "treatment": "mitigate",
                "residual_likelihood": 4,
                "residual_impact": 4,
            },
        ),
    )


def assessment(w) -> RiskAssessment:
    return w.once(
        "_risk_assessment",
        lambda: services.assessment_save(
            actor=w.owner,
            assessment=RiskAssessment(system=w.system),
            data={"title": "Matrix assessment", "assessed_on": date.today(), "scope": "All of it"},
        ),
    )


def impact(w) -> ImpactAssessment:
    return w.once(
        "_risk_impact",
        lambda: services.impact_save(
            actor=w.owner,
            impact=ImpactAssessment(system=w.system),
            data={
                "title": "Matrix IA",
                "affected_individuals": "Applicants",
                "intended_use": "Shortlisting",
                "conclusion": "Acceptable with oversight",
            },
        ),
    )


def action(w) -> TreatmentAction:
    return w.once(
        "_risk_action",
        lambda: services.action_save(
            actor=w.owner, action=TreatmentAction(risk=risk(w)), data={"title": "Retrain"}
        ),
    )


def classification(w) -> Classification:
    return w.once(
        "_risk_classification",
        lambda: classify_confirmed(officer=w.officer, system=w.system),
    )


def drafted(w) -> Classification:
    """The owner's answers, saved as a draft (not yet submitted)."""
    return w.once(
        "_risk_draft",
        lambda: services.classification_save(
            actor=w.owner, system=w.system, answers=ANSWERS, role="deployer"
        ),
    )


def submitted(w) -> Classification:
    """The owner's answers, submitted for an officer's confirmation."""
    return w.once(
        "_risk_submitted",
        lambda: services.classification_save(
            actor=w.owner, system=w.system, answers=ANSWERS, role="deployer", submit=True
        ),
    )


def html_answers() -> dict:
    """The answers as the browser form posts them."""
    data = {"role": "deployer", "submit": ""}
    for key, value in ANSWERS.items():
        data[key] = (
            {True: "yes", False: "no"}.get(value, value) if not isinstance(value, list) else value
        )
    return data


def timeline_pk(w) -> dict:
    return {"pk": services.timeline_current().pk}


def timeline_choice(w) -> str:
    return services.timeline_current().timeline


def pk(getter):
    return lambda w: {"pk": getter(w).pk}


def count(model, **filters):
    return lambda w: model.objects.filter(system=w.system, **filters).count()


def action_count(w) -> int:
    return TreatmentAction.objects.filter(risk=risk(w)).count()


def field(getter, name):
    def run(w):
        record = getter(w)
        return type(record).objects.values_list(name, flat=True).get(pk=record.pk)

    return run


def methodology_version(w) -> int:
    return Methodology.objects.order_by("-id").values_list("version", flat=True).first()


def requirement_values(w) -> tuple:
    return tuple(TierRequirement.objects.order_by("id").values_list("min_approvals", flat=True))


def risk_marker(w) -> str:
    return risk(w).title


def release_high(w) -> int:
    return TierRequirement.objects.get(tier="high", gate="release").pk


HTML_RISK = {
    "title": "Matrix HTML risk", "category": "privacy", "risk_source": "automation",
    "inherent_likelihood": "3", "inherent_impact": "3", "treatment": "mitigate",
    "residual_likelihood": "2", "residual_impact": "2",
}  # fmt: skip
HTML_ASSESSMENT = {"title": "HTML RA", "assessed_on": "2026-03-01", "scope": "Ranking"}
HTML_IMPACT = {"title": "HTML IA", "affected_individuals": "Applicants", "intended_use": "Ranking",
               "harm-TOTAL_FORMS": "1", "harm-INITIAL_FORMS": "0",
               "harm-0-description": "Unfair rejection", "harm-0-severity": "4",
               "harm-0-likelihood": "3", "harm-0-reversibility": "partly_reversible"}  # fmt: skip
HTML_METHODOLOGY = {
    "name": "Matrix methodology", "likelihood_scale": "A: a\nB: b\nC: c\nD: d\nE: e",
    "impact_scale": "A: a\nB: b\nC: c\nD: d\nE: e", "low_max": "3", "medium_max": "8",
    "high_max": "15", "appetite": "medium", "reason": "Matrix test",
}  # fmt: skip
API_RISK = {
    "title": "Matrix API risk", "category": "privacy", "risk_source": "automation",
    "inherent_likelihood": 3, "inherent_impact": 3, "treatment": "mitigate",
    "residual_likelihood": 2, "residual_impact": 2,
}  # fmt: skip


def requirements_post(w) -> dict:
    data = {}
    for req in TierRequirement.objects.exclude(tier="prohibited"):
        prefix = f"r{req.pk}-"
        for flag in ("classification", "risk_assessment", "residual_within_appetite",
                     "impact_assessment", "human_oversight_plan", "bias_validation",
                     "accuracy_validation"):  # fmt: skip
            if getattr(req, flag):
                data[prefix + flag] = "on"
        data[prefix + "min_approvals"] = str(req.min_approvals + 1)
        data[prefix + "review_months"] = str(req.review_months)
    return data


CASES: list[Case] = [
    # --- browser ---------------------------------------------------------------------------
    Case("risk:register", "GET", LOGGED_IN, marker=risk_marker),
    Case("risk:register_export", "GET", LOGGED_IN, marker=risk_marker),
    Case("risk:methodology", "GET", GATES_READ),
    Case("risk:methodology", "POST", GATES_WRITE, data=lambda w: HTML_METHODOLOGY,
         effect=methodology_version),
    Case("risk:requirements", "GET", GATES_READ),
    Case("risk:requirements", "POST", GATES_WRITE, data=requirements_post,
         effect=requirement_values),
    Case("risk:system_risk", "GET", SYSTEM_READ, kwargs=system_pk),
    Case("risk:classify", "GET", SYSTEM_CHANGE, kwargs=system_pk),
    Case("risk:classify", "POST", SYSTEM_CHANGE, kwargs=system_pk, effect=count(Classification),
         data=lambda w: html_answers()),
    Case("risk:classification_confirm", "GET", CONFIRM, kwargs=pk(submitted)),
    Case("risk:classification_confirm", "POST", CONFIRM, kwargs=pk(submitted),
         data=lambda w: {"result": "", "reason": ""}, effect=field(submitted, "status")),
    Case("risk:obligation_dates", "GET", GATES_READ),
    Case("risk:obligation_dates", "POST", GATES_WRITE,
         data=lambda w: {"timeline": "omnibus", "reason": "Matrix"}, effect=timeline_choice),
    Case("risk:risk_create", "GET", SYSTEM_CHANGE, kwargs=system_pk),
    Case("risk:risk_create", "POST", SYSTEM_CHANGE, kwargs=system_pk, effect=count(Risk),
         data=lambda w: HTML_RISK),
    Case("risk:assessment_create", "GET", SYSTEM_CHANGE, kwargs=system_pk),
    Case("risk:assessment_create", "POST", SYSTEM_CHANGE, kwargs=system_pk,
         effect=count(RiskAssessment), data=lambda w: HTML_ASSESSMENT),
    Case("risk:impact_create", "GET", SYSTEM_CHANGE, kwargs=system_pk),
    Case("risk:impact_create", "POST", SYSTEM_CHANGE, kwargs=system_pk,
         effect=count(ImpactAssessment), data=lambda w: HTML_IMPACT),
    Case("risk:risk_detail", "GET", SYSTEM_READ, kwargs=pk(risk)),
    Case("risk:risk_edit", "GET", SYSTEM_CHANGE, kwargs=pk(risk)),
    Case("risk:risk_edit", "POST", SYSTEM_CHANGE, kwargs=pk(risk),
         data=lambda w: {**HTML_RISK, "title": "Edited in the matrix"},
         effect=field(risk, "title")),
    Case("risk:risk_accept", "POST", DECIDE, kwargs=pk(risk),
         data=lambda w: {"justification": "Oversight in place"},
         effect=field(risk, "acceptance")),
    Case("risk:action_create", "GET", SYSTEM_CHANGE, kwargs=pk(risk)),
    Case("risk:action_create", "POST", SYSTEM_CHANGE, kwargs=pk(risk), effect=action_count,
         data=lambda w: {"title": "Re-weight the training data", "status": "planned"}),
    Case("risk:action_edit", "GET", SYSTEM_CHANGE, kwargs=pk(action)),
    Case("risk:action_edit", "POST", SYSTEM_CHANGE, kwargs=pk(action),
         data=lambda w: {"title": "Retrain", "status": "done"}, effect=field(action, "status")),
    Case("risk:assessment_detail", "GET", SYSTEM_READ, kwargs=pk(assessment)),
    Case("risk:impact_detail", "GET", SYSTEM_READ, kwargs=pk(impact)),
    Case("risk:impact_edit", "GET", SYSTEM_CHANGE, kwargs=pk(impact)),
    Case("risk:impact_edit", "POST", SYSTEM_CHANGE, kwargs=pk(impact),
         data=lambda w: {**HTML_IMPACT, "title": "Edited IA"}, effect=field(impact, "title")),
    Case("risk:impact_signoff", "POST", SIGN_OFF, kwargs=pk(impact), data=lambda w: {},
         effect=field(impact, "status")),
    # --- API -------------------------------------------------------------------------------
    Case("api:methodology-list", "GET", API_LOGGED_IN),
    Case("api:methodology-detail", "GET", API_LOGGED_IN,
         kwargs=lambda w: {"pk": Methodology.objects.order_by("-id").first().pk}),
    Case("api:methodology-detail", "PATCH", API_GATE_WRITE,
         kwargs=lambda w: {"pk": Methodology.objects.order_by("-id").first().pk},
         data=lambda w: {"appetite": "high"}, effect=methodology_version),
    Case("api:tierrequirement-list", "GET", API_LOGGED_IN),
    Case("api:tierrequirement-detail", "GET", API_LOGGED_IN,
         kwargs=lambda w: {"pk": release_high(w)}),
    Case("api:tierrequirement-detail", "PATCH", API_GATE_WRITE,
         kwargs=lambda w: {"pk": release_high(w)}, data=lambda w: {"min_approvals": 3},
         effect=requirement_values),
    Case("api:classification-list", "GET", API_LOGGED_IN),
    Case("api:classification-list", "POST", API_CREATE_UNDER_SYSTEM,
         effect=count(Classification),
         data=lambda w: {"system": w.system.pk, "answers": ANSWERS, "role": "deployer"}),
    Case("api:classification-detail", "PATCH", API_SYSTEM_CHANGE, kwargs=pk(drafted),
         data=lambda w: {"notes": "Checked in the matrix"}, effect=field(drafted, "notes")),
    Case("api:classification-submit", "POST", API_SYSTEM_CHANGE, kwargs=pk(drafted),
         data=lambda w: {}, effect=field(drafted, "status")),
    Case("api:classification-confirm", "POST", API_CONFIRM, kwargs=pk(submitted),
         data=lambda w: {}, effect=field(submitted, "status")),
    Case("api:obligationtimeline-list", "GET", API_LOGGED_IN),
    Case("api:obligationtimeline-detail", "GET", API_LOGGED_IN, kwargs=timeline_pk),
    Case("api:obligationtimeline-detail", "PATCH", API_GATE_WRITE, kwargs=timeline_pk,
         data=lambda w: {"timeline": "omnibus"}, effect=timeline_choice),
    Case("api:classification-questions", "GET", API_LOGGED_IN),
    Case("api:classification-detail", "GET", API_SYSTEM_READ, kwargs=pk(classification)),
    Case("api:tierdecision-list", "GET", API_LOGGED_IN),
    Case("api:tierdecision-detail", "GET", API_SYSTEM_READ,
         kwargs=lambda w: {"pk": classification(w).system.tier_decision.pk}),
    Case("api:riskprofile-detail", "GET", API_SYSTEM_READ, kwargs=system_pk),
    Case("api:riskprofile-history", "GET", API_SYSTEM_READ, kwargs=system_pk,
         setup=lambda w: risk(w)),
    Case("api:riskassessment-list", "GET", API_LOGGED_IN),
    Case("api:riskassessment-list", "POST", API_CREATE_UNDER_SYSTEM,
         effect=count(RiskAssessment),
         data=lambda w: {"system": w.system.pk, "title": "API RA", "assessed_on": "2026-03-01",
                         "scope": "Ranking"}),
    Case("api:riskassessment-detail", "GET", API_SYSTEM_READ, kwargs=pk(assessment)),
    Case("api:riskassessment-detail", "PATCH", API_SYSTEM_CHANGE, kwargs=pk(assessment),
         data=lambda w: {"conclusion": "Done"}, effect=field(assessment, "conclusion")),
    Case("api:risk-list", "GET", API_LOGGED_IN, marker=risk_marker),
    Case("api:risk-list", "POST", API_CREATE_UNDER_SYSTEM, effect=count(Risk),
         data=lambda w: {"system": w.system.pk, **API_RISK}),
    Case("api:risk-detail", "GET", API_SYSTEM_READ, kwargs=pk(risk)),
    Case("api:risk-detail", "PATCH", API_SYSTEM_CHANGE, kwargs=pk(risk),
         data=lambda w: {"title": "API edit"}, effect=field(risk, "title")),
    Case("api:risk-accept", "POST", API_DECIDE, kwargs=pk(risk),
         data=lambda w: {"justification": "Oversight in place"},
         effect=field(risk, "acceptance")),
    Case("api:treatmentaction-list", "GET", API_LOGGED_IN),
    Case("api:treatmentaction-list", "POST", API_CREATE_UNDER_SYSTEM, effect=action_count,
         data=lambda w: {"risk": risk(w).pk, "title": "API action"}),
    Case("api:treatmentaction-detail", "GET", API_SYSTEM_READ, kwargs=pk(action)),
    Case("api:treatmentaction-detail", "PATCH", API_SYSTEM_CHANGE, kwargs=pk(action),
         data=lambda w: {"status": "done"}, effect=field(action, "status")),
    Case("api:impactassessment-list", "GET", API_LOGGED_IN),
    Case("api:impactassessment-list", "POST", API_CREATE_UNDER_SYSTEM,
         effect=count(ImpactAssessment),
         data=lambda w: {"system": w.system.pk, "title": "API IA",
                         "affected_individuals": "Applicants", "intended_use": "Ranking",
                         "harms": [{"description": "Unfair rejection", "severity": 4,
                                    "likelihood": 3, "reversibility": "irreversible"}]}),
    Case("api:impactassessment-detail", "GET", API_SYSTEM_READ, kwargs=pk(impact)),
    Case("api:impactassessment-detail", "PATCH", API_SYSTEM_CHANGE, kwargs=pk(impact),
         data=lambda w: {"benefits": "Faster"}, effect=field(impact, "benefits")),
    Case("api:impactassessment-sign-off", "POST", API_SIGN_OFF, kwargs=pk(impact),
         data=lambda w: {}, effect=field(impact, "status")),
]  # fmt: skip
