"""journey: the owner's journey after intake (issue 15) — the guided intake with drafts, the
similar-name warning and the next-steps checklist in the API."""

from inventory import services
from inventory.models import AISystem, IntakeDraft

from .framework import *  # noqa: F403 (the shared vocabulary of every cases module)
from .framework import (
    API_INTAKE,
    API_LOGGED_IN,
    API_SYSTEM_READ,
    INTAKE,
    Case,
    expect,
    system_pk,
)

# fmt: off
#                   anonymous nobody owner other_owner officer approver auditor
# A draft is its author's (the owner's here); officers read it, only the author continues it.
DRAFT_EDIT = expect("login    404    ok    404         403     404      404")
DRAFT_READ = expect("login    404    ok    404         ok      404      404")
API_DRAFT_READ = expect("401  404    ok    404         ok      404      404")
API_DRAFT_EDIT = expect("401  403    ok    404         403     403      403")
# fmt: on

STEP1 = {
    "name": "Matrix draft",
    "purpose": "Drafted by the matrix.",
    "business_unit": "hr",
    "go": "next",
}
STEP2 = {
    "deployment_type": "saas_embedded",
    "ai_technique": "predictive",
    "decision_impact": "decides_with_review",
    "human_oversight": "in_the_loop",
    "go": "next",
}


def answers(form_data: dict) -> dict:
    """A step's form data as answers (without the browser's button)."""
    return {k: v for k, v in form_data.items() if k != "go"}


def draft(w) -> IntakeDraft:
    saved = {**answers(STEP1), **answers(STEP2)}
    return w.once(
        "journey_draft", lambda: services.draft_save(actor=w.owner, answers=saved, step=3)
    )


def draft_step(step: int):
    return lambda w: {"pk": draft(w).pk, "step": step}


def draft_pk(w) -> dict:
    return {"pk": draft(w).pk}


def draft_answers(w):
    found = IntakeDraft.objects.filter(pk=draft(w).pk).first()
    return found.answers if found else None


CASES: list[Case] = [
    # --- journey ---------------------------------------------------------------------------
    Case("inventory:intake_start", "GET", INTAKE),
    Case("inventory:intake_start", "POST", INTAKE, data=lambda w: STEP1,
         effect=lambda w: IntakeDraft.objects.filter(name="Matrix draft").count()),
    Case("inventory:intake_drafts", "GET", INTAKE),
    Case("inventory:intake_similar", "GET", INTAKE),
    Case("inventory:intake_draft_step", "GET", DRAFT_EDIT, kwargs=draft_step(2)),
    Case("inventory:intake_draft_step", "POST", DRAFT_EDIT, kwargs=draft_step(2),
         data=lambda w: {**STEP2, "known_risks": "Matrix risk"}, effect=draft_answers),
    Case("inventory:intake_draft_step", "GET", DRAFT_READ, variant="review",
         kwargs=draft_step(4)),
    Case("inventory:intake_draft_step", "POST", DRAFT_EDIT, variant="submit",
         kwargs=draft_step(4), data=lambda w: {},
         effect=lambda w: AISystem.objects.filter(name="Matrix draft").count()),
    Case("inventory:intake_draft_delete", "GET", DRAFT_EDIT, kwargs=draft_pk),
    Case("inventory:intake_draft_delete", "POST", DRAFT_EDIT, kwargs=draft_pk, data=lambda w: {},
         effect=lambda w: IntakeDraft.objects.filter(pk=draft(w).pk).exists()),
    Case("api:system-next-steps", "GET", API_SYSTEM_READ, kwargs=system_pk),
    Case("api:intakedraft-list", "GET", API_LOGGED_IN),
    Case("api:intakedraft-list", "POST", API_INTAKE,
         data=lambda w: {"step": 1, "answers": {**answers(STEP1), "name": "Matrix API draft"}},
         effect=lambda w: IntakeDraft.objects.filter(name="Matrix API draft").count()),
    Case("api:intakedraft-detail", "GET", API_DRAFT_READ, kwargs=draft_pk),
    Case("api:intakedraft-detail", "PATCH", API_DRAFT_EDIT, kwargs=draft_pk,
         data=lambda w: {"step": 2, "answers": {**answers(STEP2), "known_risks": "API risk"}},
         effect=draft_answers),
    Case("api:intakedraft-detail", "DELETE", API_DRAFT_EDIT, kwargs=draft_pk,
         effect=lambda w: IntakeDraft.objects.filter(pk=draft(w).pk).exists()),
    Case("api:intakedraft-submit", "POST", API_DRAFT_EDIT, kwargs=draft_pk, data=lambda w: {},
         effect=lambda w: AISystem.objects.filter(name="Matrix draft").count()),
]  # fmt: skip
