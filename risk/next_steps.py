"""The risk app's steps in a system's next-steps checklist (inventory/next_steps.py):
classification, risk assessment, impact assessment, and the oversight person as the tier
requires it. Whether each is met comes from the
tier's requirements checklist (services.checklist, the predicate the gates use); a step the
tier does not require yet is shown as optional, done once it exists anyway."""

from django.urls import reverse

from inventory.models import AISystem, Gate
from inventory.next_steps import (
    DONE,
    OFFICER_WORDS,
    OPTIONAL,
    TODO,
    WAITING,
    Step,
    oversight_step,
    owner_words,
)

from . import services
from .models import Classification, ImpactAssessment, RiskAssessment

SIGNERS = "an approver or governance officer (not the owner)"


def _checks(system: AISystem) -> dict:
    """The requirement checks of both gates, by requirement key (the release gate's answer
    wins: it is the one still ahead for longest)."""
    checks = {}
    for gate in (Gate.INTAKE, Gate.RELEASE):
        for check in services.checklist(system, gate):
            if check.key:
                checks[check.key] = check
    return checks


def _classify(user, system: AISystem, check) -> Step:
    record = Classification.objects.filter(system=system).first()
    page = reverse("risk:system_risk", args=[system.pk])
    owner = owner_words(user, system)

    classify = reverse("risk:classify", args=[system.pk])

    def step(status, who, detail, url=classify):
        return Step(10, "classify", "EU AI Act classification", status, who, detail, url, page)

    if record is not None and record.status == Classification.Status.SUBMITTED:
        confirm = reverse("risk:classification_confirm", args=[record.pk])
        return step(WAITING, OFFICER_WORDS, "Submitted: a governance officer confirms it.", confirm)
    met = check.met if check is not None else bool(record and record.confirmed_result)
    if met:
        return step(DONE, owner, f"Confirmed: {record.get_confirmed_result_display()}.", page)
    if record is None:
        return step(TODO, owner, "Answer the classification questionnaire, then submit it.")
    return step(TODO, owner, "A draft is saved: finish the answers and submit them.")


def _assessment(user, system: AISystem, check) -> Step:
    exists = RiskAssessment.objects.filter(system=system).exists()
    if check is not None:
        status, detail = (
            (DONE, "A current risk assessment is recorded.")
            if check.met
            else (
                TODO,
                check.missing,
            )
        )
    else:
        status = DONE if exists else OPTIONAL
        detail = "Recorded." if exists else "Not required for this tier yet; recommended."
    return Step(
        20,
        "risk_assessment",
        "Risk assessment",
        status,
        owner_words(user, system),
        detail,
        reverse("risk:assessment_create", args=[system.pk]),
        reverse("risk:system_risk", args=[system.pk]),
    )


def _impact(user, system: AISystem, check) -> Step:
    impact = ImpactAssessment.objects.filter(system=system).order_by("-id").first()
    owner = owner_words(user, system)
    create = reverse("risk:impact_create", args=[system.pk])
    page = reverse("risk:system_risk", args=[system.pk])
    signed = (
        check.met
        if check is not None
        else bool(impact and impact.status == ImpactAssessment.Status.SIGNED_OFF)
    )
    if signed and impact is not None:
        detail = f"{impact.reference} signed off."
        return Step(30, "impact", "Impact assessment", DONE, owner, detail, page)
    if impact is not None:
        detail = f"{impact.reference} is written: {SIGNERS} signs it off."
        url = reverse("risk:impact_detail", args=[impact.pk])
        return Step(30, "impact", "Impact assessment", WAITING, SIGNERS, detail, url, page)
    status = TODO if check is not None else OPTIONAL
    detail = check.missing if check is not None else "Not required for this tier yet; recommended."
    return Step(30, "impact", "Impact assessment", status, owner, detail, create, page)


def risk_steps(user, system: AISystem) -> list[Step]:
    checks = _checks(system)
    return [
        _classify(user, system, checks.get("classification")),
        _assessment(user, system, checks.get("risk_assessment")),
        _impact(user, system, checks.get("impact_assessment")),
        # Replaces the inventory's step: required only where the tier names an oversight person.
        oversight_step(user, system, required="oversight_person" in checks),
    ]
