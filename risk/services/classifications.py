"""The EU AI Act classification as a workflow: the system's owner (or a governance officer)
answers the questionnaire as a draft and submits it; a governance officer confirms the result
or changes it with a reason. Only a confirmed result decides the tier and meets the gates'
"classification recorded"; every version stays in the history.

Each rule is one predicate (``*_refusal`` returns why not, or None); the service enforces it
and the views and API call the same predicate to decide what to offer.

Also here: the dates the obligations apply from (the organisation's timeline choice and
override dates, over the engine's ``APPLICATION_DATES``), and whether a classification was
answered under an older questionnaire (due for review).
"""

from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from aims.errors import RuleForbidden, TransitionNotAllowed
from aims.history import save_with_history
from aims.permissions import can_change_record, has_global_perm, has_perm
from inventory.models import AISystem

from .. import classification as questionnaire
from ..errors import Code
from ..models import CONFIRMABLE, Classification, EUClass, ObligationTimeline
from ._common import CLOSED, _require_system_write
from .tiers import tier_recompute

Status = Classification.Status
CONFIRM_PERM = "risk.confirm_classification"


# --- Rules -----------------------------------------------------------------------------------


def classification_answer_refusal(user, system: AISystem) -> str | None:
    """Why ``user`` may not answer (draft or submit) this system's questionnaire, or None.
    The system's owner and governance officers may; approvers, auditors and other owners not."""
    if not has_perm(user, "risk.add_classification") or not can_change_record(user, system):
        return "Only the system's owner or a governance officer answers its questionnaire."
    if system.lifecycle_stage in CLOSED:
        return (
            f"The system is {system.get_lifecycle_stage_display().lower()}: its records are closed."
        )
    return None


def classification_submit_refusal(user, record: Classification) -> str | None:
    """Why ``user`` may not submit this classification for confirmation, or None."""
    why = classification_answer_refusal(user, record.system)
    if why:
        return why
    if record.status != Status.DRAFT:
        state = record.get_status_display().lower()
        return f"Only a draft is submitted; this classification is {state}."
    return None


def classification_confirm_refusal(user, record: Classification) -> str | None:
    """Why ``user`` may not confirm (or change) this classification, or None.

    Governance officers confirm, through their role only; never for a system they own
    (segregation of duties, as for an impact assessment's sign-off). An officer may confirm a
    draft directly (their own answers need no one else's submission); an owner's draft waits
    until it is submitted, so the officer confirms what the owner meant to send."""
    if not has_global_perm(user, CONFIRM_PERM):
        return "Only a governance officer confirms a classification."
    if record.system.owner_id == user.pk:
        return "You own this system: another governance officer confirms its classification."
    if record.system.lifecycle_stage in CLOSED:
        return "The system is closed: its records are closed."
    if record.status == Status.CONFIRMED:
        return "This classification is already confirmed; a new draft can be confirmed again."
    if record.status == Status.DRAFT and record.classified_by_id != user.pk:
        return "The owner has not submitted this draft yet."
    return None


# --- Services --------------------------------------------------------------------------------


def _outcome(answers, role: str):
    """The engine's clean answers and outcome; its errors as field errors (400)."""
    if not isinstance(answers, dict):
        raise ValidationError({"answers": ["Give the answers as an object."]})
    clean, errors = questionnaire.normalise(answers, role)
    if errors:
        raise ValidationError(errors)
    return clean, questionnaire.classify(clean, role)


@transaction.atomic
def classification_save(
    *,
    actor,
    system: AISystem,
    answers: dict,
    role: str,
    notes: str = "",
    submit: bool = False,
) -> Classification:
    """Record the answers as a draft (``submit``: and submit them) under the current
    questionnaire version, with the result the questionnaire proposes. A confirmed result
    stays the tier's basis until an officer confirms the new answers."""
    system = AISystem.objects.get(pk=system.pk)
    why = classification_answer_refusal(actor, system)
    if why:
        _require_system_write(actor, system, "risk.add_classification")  # closed: 409
        raise RuleForbidden(why, code=Code.PERMISSION_DENIED)
    clean, outcome = _outcome(answers, role)
    record = Classification.objects.filter(system=system).first() or Classification(system=system)
    verb = "Answers revised" if record.pk else "Answered"
    record.answers = clean
    record.role = role
    record.notes = notes
    record.questionnaire_version = questionnaire.QUESTIONNAIRE_VERSION
    record.result = outcome.result
    record.provisional_result = getattr(outcome, "provisional", "") or ""
    record.unsure = list(getattr(outcome, "unsure", []) or [])
    record.route = outcome.route
    record.reasoning = list(outcome.reasoning)
    record.obligations = [o.as_dict() for o in outcome.obligations]
    record.fria_required = outcome.fria_required
    record.classified_by = actor
    record.status = Status.DRAFT
    record.submitted_by = None
    record.submitted_at = None
    save_with_history(record, actor=actor, reason=f"{verb} (draft): {record.get_result_display()}")
    if submit:
        record = classification_submit(actor=actor, classification=record)
    tier_recompute(actor=actor, system=system, cause="classification saved")
    record.system.refresh_from_db()
    return record


@transaction.atomic
def classification_submit(*, actor, classification: Classification) -> Classification:
    """Send a draft to the governance officers for confirmation."""
    # Locked before the predicate: of two officers (or submitters) racing, one wins.
    record = (
        Classification.objects.select_related("system")
        .select_for_update(of=("self",))
        .get(pk=classification.pk)
    )
    why = classification_submit_refusal(actor, record)
    if why:
        if record.status != Status.DRAFT and not classification_answer_refusal(
            actor, record.system
        ):
            raise TransitionNotAllowed(why, code=Code.TRANSITION_NOT_ALLOWED)
        raise RuleForbidden(why, code=Code.PERMISSION_DENIED)
    if record.questionnaire_version != questionnaire.QUESTIONNAIRE_VERSION:
        raise TransitionNotAllowed(
            "These answers were given under an older questionnaire: answer it again.",
            code=Code.TRANSITION_NOT_ALLOWED,
        )
    record.status = Status.SUBMITTED
    record.submitted_by = actor
    record.submitted_at = timezone.now()
    save_with_history(
        record, actor=actor, reason=f"Submitted for confirmation: {record.get_result_display()}"
    )
    return record


@transaction.atomic
def classification_confirm(
    *, actor, classification: Classification, result: str = "", reason: str = ""
) -> Classification:
    """Confirm the proposed result, or change it (``result``) with a ``reason``. A pending
    result (a "not sure" answer) is always decided: the officer names the result and why.
    The confirmed result is what the tier is derived from."""
    # Locked before the predicate: of two officers (or submitters) racing, one wins.
    record = (
        Classification.objects.select_related("system")
        .select_for_update(of=("self",))
        .get(pk=classification.pk)
    )
    why = classification_confirm_refusal(actor, record)
    if why:
        if has_global_perm(actor, CONFIRM_PERM) and record.system.owner_id != actor.pk:
            raise TransitionNotAllowed(why, code=Code.TRANSITION_NOT_ALLOWED)
        code = (
            Code.SEGREGATION_OF_DUTIES
            if record.system.owner_id == actor.pk and has_global_perm(actor, CONFIRM_PERM)
            else Code.PERMISSION_DENIED
        )
        raise RuleForbidden(why, code=code)
    result = (result or "").strip()
    reason = (reason or "").strip()
    errors: dict[str, list[str]] = {}
    if result and result not in dict(CONFIRMABLE):
        errors["result"] = [f"'{result}' is not a result an officer can confirm."]
    elif not result and record.result == EUClass.PENDING:
        errors["result"] = [
            "An answer is 'not sure': name the result you confirm (prohibited, high-risk, "
            "limited or minimal)."
        ]
    final = result or record.result
    changed = final != record.result
    if (changed or record.result == EUClass.PENDING) and not reason and "result" not in errors:
        errors["reason"] = ["Say why the result differs from the questionnaire's."]
    if errors:
        raise ValidationError(errors)
    record.confirmed_result = final
    record.confirmed_by = actor
    record.confirmed_at = timezone.now()
    record.confirmed_version = record.questionnaire_version
    record.confirmation_reason = reason
    record.status = Status.CONFIRMED
    label = EUClass(final).label
    save_with_history(
        record,
        actor=actor,
        reason=f"Confirmed: {label}"
        + (f" (changed from the proposal: {reason})" if changed else ""),
    )
    tier_recompute(actor=actor, system=record.system, cause="classification confirmed")
    record.system.refresh_from_db()  # the tier just set
    return record


# --- Review after a new questionnaire version ------------------------------------------------


def classification_review_due(record: Classification | None) -> bool:
    """A classification answered under an older questionnaire is due for review."""
    return record is not None and (
        record.questionnaire_version < questionnaire.QUESTIONNAIRE_VERSION
    )


# --- Dates the obligations apply from --------------------------------------------------------


def timeline_current() -> ObligationTimeline:
    return ObligationTimeline.objects.order_by("-id").first() or ObligationTimeline.objects.create()


def _override_errors(overrides) -> tuple[dict, list[str]]:
    if not isinstance(overrides, dict):
        return {}, ["Give the override dates as an object: key -> date (YYYY-MM-DD)."]
    clean, errors = {}, []
    for key, value in overrides.items():
        if key not in questionnaire.APPLICATION_DATES:
            errors.append(f"'{key}' is not a key of the dates table.")
            continue
        if value in (None, ""):
            continue
        try:
            clean[key] = date.fromisoformat(str(value)).isoformat()
        except ValueError:
            errors.append(f"'{value}' for '{key}' is not a date (YYYY-MM-DD).")
    return clean, errors


@transaction.atomic
def timeline_update(*, actor, data: dict, reason: str = "") -> ObligationTimeline:
    """Choose the timeline and the override dates; the history keeps each choice."""
    from aims.permissions import require_global

    require_global(
        actor,
        "risk.change_obligationtimeline",
        "Only governance officers choose the obligation dates.",
    )
    unknown = set(data) - {"timeline", "overrides"}
    errors: dict[str, list[str]] = {k: ["Unknown field."] for k in sorted(unknown)}
    record = timeline_current()
    if "timeline" in data:
        if data["timeline"] not in ObligationTimeline.Timeline.values:
            errors["timeline"] = ["Choose 'act' or 'omnibus'."]
        else:
            record.timeline = data["timeline"]
    if "overrides" in data:
        clean, problems = _override_errors(data["overrides"])
        if problems:
            errors["overrides"] = problems
        record.overrides = clean
    if errors:
        raise ValidationError(errors)
    save_with_history(
        record,
        actor=actor,
        reason=reason or f"Obligation dates: {record.get_timeline_display()}",
    )
    return record


@dataclass(frozen=True)
class DateRow:
    key: str
    label: str
    act: date
    omnibus: date
    override: date | None
    applies_from: date


def timeline_rows(timeline: ObligationTimeline | None = None) -> list[DateRow]:
    """The dates table as the organisation reads it: each key's two dates, its override and
    the date that counts."""
    timeline = timeline or timeline_current()
    rows = []
    for key, entry in questionnaire.APPLICATION_DATES.items():
        override = timeline.overrides.get(key)
        override_date = date.fromisoformat(override) if override else None
        chosen = (
            entry.omnibus if timeline.timeline == ObligationTimeline.Timeline.OMNIBUS else entry.act
        )
        rows.append(
            DateRow(
                key, entry.label, entry.act, entry.omnibus, override_date, override_date or chosen
            )
        )
    return rows


def obligations_with_dates(
    record: Classification | None, timeline: ObligationTimeline | None = None
) -> list[dict]:
    """The record's obligations, each with ``applies_from`` (a date, or None when the key is
    unknown, as in obligations recorded under the first questionnaire)."""
    if record is None:
        return []
    dates = {row.key: row for row in timeline_rows(timeline)}
    out = []
    for item in record.obligations:
        item = item if isinstance(item, dict) else {"text": str(item)}
        row = dates.get(item.get("applies", ""))
        out.append(
            {
                "text": item.get("text", ""),
                "articles": item.get("articles", ""),
                "applies": item.get("applies", ""),
                "party": item.get("party", ""),
                "applies_from": row.applies_from if row else None,
                "applies_label": row.label if row else "",
            }
        )
    return out
