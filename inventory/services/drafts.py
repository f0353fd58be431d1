"""The guided intake: a use case written step by step and saved as a draft at each step, then
submitted through :func:`.systems.system_submit_intake`, so every intake rule applies to it
exactly as to the one-shot form and the API.

A draft is its author's alone to change, resume, submit or delete (officers may read it, see
``IntakeDraft.visibility_rule``). Questions that only make sense given an earlier answer
(personal-data details, the vendor) are dropped when that answer no longer asks for them, so a
draft never submits an answer the owner can no longer see.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from aims.errors import RuleForbidden, TransitionNotAllowed
from aims.history import save_with_history
from aims.notifications.services import notify, users_in_role
from aims.permissions import require
from aims.roles import OFFICER

from ..errors import Code
from ..models import AISystem, IntakeDraft, PersonalData
from ._common import system_url
from .systems import INTAKE_FIELDS, system_submit_intake

# Answers a draft keeps beyond the system's own intake fields.
PERSONAL_DATA_DETAILS = "personal_data_details"
THIRD_PARTY = ("uses_third_party", "supplier", "proposed_supplier", "model_name")
DRAFT_FIELDS = (*INTAKE_FIELDS, PERSONAL_DATA_DETAILS, *THIRD_PARTY)
# What the intake cannot do without (the model's required fields), and the step that asks it.
REQUIRED = {
    "name": 1,
    "purpose": 1,
    "business_unit": 1,
    "deployment_type": 2,
    "ai_technique": 2,
    "decision_impact": 2,
    "human_oversight": 2,
}
LAST_STEP = 4


def draft_change_refusal(user, draft: IntakeDraft) -> RuleForbidden | TransitionNotAllowed | None:
    """Why ``user`` may not resume, change, submit or delete ``draft``, or None: only its
    author, and only while it is a draft."""
    if draft.author_id != user.pk:
        return RuleForbidden(
            "Only the person who started this draft may continue it.", code=Code.PERMISSION_DENIED
        )
    if draft.submitted_system_id:
        return TransitionNotAllowed(
            "This draft was submitted already: it is now "
            f"{AISystem(pk=draft.submitted_system_id).reference}.",
            code=Code.TRANSITION_NOT_ALLOWED,
        )
    return None


def _require_change(actor, draft: IntakeDraft) -> None:
    refusal = draft_change_refusal(actor, draft)
    if refusal is not None:
        raise refusal


def clean_answers(answers: dict[str, Any]) -> dict[str, Any]:
    """The answers with those that no longer apply dropped (see the module docstring)."""
    answers = {k: v for k, v in answers.items() if v not in (None, "")}
    if answers.get("personal_data", PersonalData.NONE) == PersonalData.NONE:
        answers.pop(PERSONAL_DATA_DETAILS, None)
    if not answers.get("uses_third_party"):
        for key in THIRD_PARTY[1:]:
            answers.pop(key, None)
    if answers.get("supplier"):
        answers.pop("proposed_supplier", None)  # a register entry wins over a proposal
    return answers


@transaction.atomic
def draft_save(
    *, actor, answers: dict[str, Any], step: int, draft: IntakeDraft | None = None
) -> IntakeDraft:
    """Save the answers of one step (merged over the earlier ones) and the step to resume at."""
    require(actor, "inventory.add_aisystem", message="You may not submit intake forms.")
    unknown = set(answers) - set(DRAFT_FIELDS)
    if unknown:
        raise ValidationError(f"Unknown answers: {', '.join(sorted(unknown))}", code=Code.INVALID)
    if draft is None:
        draft = IntakeDraft(author=actor)
        reason = "Intake draft started"
    else:
        draft = IntakeDraft.objects.select_for_update().get(pk=draft.pk)
        _require_change(actor, draft)
        reason = f"Intake draft saved at step {step}"
    draft.answers = clean_answers({**draft.answers, **answers})
    draft.name = str(draft.answers.get("name", ""))[:200]
    draft.step = max(1, min(int(step), LAST_STEP))
    save_with_history(draft, actor=actor, reason=reason)
    return draft


@transaction.atomic
def draft_delete(*, actor, draft: IntakeDraft) -> None:
    """Delete a draft; its history keeps what it held."""
    draft = IntakeDraft.objects.select_for_update().get(pk=draft.pk)
    _require_change(actor, draft)
    draft._change_reason = "Intake draft deleted by its author"
    draft.delete()


def missing_answers(answers: dict[str, Any]) -> dict[str, list[str]]:
    """The required answers still missing, as field errors naming the step to go back to."""
    return {
        field: [f"Required: answer it at step {step}."]
        for field, step in REQUIRED.items()
        if not answers.get(field)
    }


def _visible_supplier(actor, pk):
    from suppliers.selectors import supplier_list

    supplier = supplier_list(user=actor).exclude(status="offboarded").filter(pk=pk).first()
    if supplier is None:
        raise ValidationError(
            {"supplier": ["Pick a supplier from the register, or propose one that is missing."]}
        )
    return supplier


@transaction.atomic
def draft_submit(*, actor, draft: IntakeDraft) -> AISystem:
    """Submit a draft as a use-case intake (the intake service decides, as for any intake);
    the draft then records the system it became. A supplier proposed because it is missing
    from the register is sent to the governance officers, who keep the register."""
    draft = IntakeDraft.objects.select_for_update().get(pk=draft.pk)
    _require_change(actor, draft)
    answers = clean_answers(draft.answers)
    missing = missing_answers(answers)
    if missing:
        raise ValidationError(missing)
    data = {k: answers[k] for k in INTAKE_FIELDS if k in answers}
    details = answers.get(PERSONAL_DATA_DETAILS, "")
    if details:  # no field of its own on the system: it belongs with the data description
        data["data_description"] = "\n\n".join(
            part for part in (data.get("data_description", ""), f"Personal data: {details}") if part
        )
    supplier = _visible_supplier(actor, answers["supplier"]) if answers.get("supplier") else None
    proposed = answers.get("proposed_supplier", "")
    system = system_submit_intake(
        actor=actor,
        data=data,
        supplier=supplier,
        vendor=proposed,
        model_name=answers.get("model_name", ""),
    )
    if proposed:
        notify(
            recipients=users_in_role(OFFICER),
            title=f"Supplier proposed at intake: {proposed}",
            body=f"{system.reference} {system.name} uses '{proposed}', which is not in the "
            "supplier register. Register it (or link the component to the right entry).",
            link=system_url(system),
        )
    draft.submitted_system = system
    save_with_history(draft, actor=actor, reason=f"Submitted as {system.reference}")
    return system
