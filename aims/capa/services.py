"""Writes of corrective actions (CAPA), with their rules.

Status moves by explicit actions through ``TRANSITIONS``: open -> in progress -> implemented
-> (verified effective, with evidence, by an officer or approver other than its owner and the
owner of the incident it corrects) -> closed. A verification that finds the action ineffective
sends it back to "in progress".
"""

from dataclasses import dataclass
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm

from aims.errors import BusinessRuleError, Code, RuleForbidden, TransitionNotAllowed
from aims.evidence.services import evidence_attach_to_verification
from aims.history import save_with_history
from aims.models import CorrectiveAction, Evidence
from aims.notifications.services import notify
from aims.permissions import can_change_record, has_perm

Status = CorrectiveAction.Status


@dataclass(frozen=True)
class Transition:
    label: str
    sources: tuple[str, ...]
    target: str


TRANSITIONS: dict[str, Transition] = {
    "start": Transition("Start work", (Status.OPEN,), Status.IN_PROGRESS),
    "implement": Transition(
        "Mark implemented", (Status.OPEN, Status.IN_PROGRESS), Status.IMPLEMENTED
    ),
    "close": Transition("Close", (Status.VERIFIED,), Status.CLOSED),
}


def capa_url(capa: CorrectiveAction) -> str:
    try:
        return reverse("capa:capa_detail", args=[capa.pk])
    except NoReverseMatch:  # the CAPA pages are not mounted
        return ""


def _require_change(actor, capa_or_source: Model, perm: str) -> None:
    if not has_perm(actor, perm) or not can_change_record(actor, capa_or_source):
        raise RuleForbidden(
            "You may not work on corrective actions of this record.", code=Code.PERMISSION_DENIED
        )


@transaction.atomic
def capa_create(
    *,
    actor,
    source: Model,
    title: str,
    nonconformity: str,
    action_plan: str,
    due_date: date,
    owner=None,
    root_cause: str = "",
) -> CorrectiveAction:
    """Open a corrective action on ``source``; whoever may change the source may open one."""
    _require_change(actor, source, "aims.add_correctiveaction")
    capa = CorrectiveAction(
        title=title,
        nonconformity=nonconformity,
        action_plan=action_plan,
        root_cause=root_cause,
        due_date=due_date,
        owner=owner or actor,
        source_type=ContentType.objects.get_for_model(source),
        source_id=source.pk,
    )
    save_with_history(capa, actor=actor, reason=f"Corrective action opened on {source}")
    # The owner may work on their action even without rights on the source record.
    assign_perm("aims.view_correctiveaction", capa.owner, capa)
    assign_perm("aims.change_correctiveaction", capa.owner, capa)
    if capa.owner != actor:
        notify(
            recipients=[capa.owner],
            title=f"{capa.reference} assigned to you: {title}",
            body=f"Due {due_date:%d %b %Y}. Source: {source}",
            link=capa_url(capa),
        )
    return capa


def capa_can_change(user, capa: CorrectiveAction) -> bool:
    return has_perm(user, "aims.change_correctiveaction", capa) and (
        capa.owner_id == user.pk or can_change_record(user, capa)
    )


def available_actions(*, actor, capa: CorrectiveAction) -> list[tuple[str, str]]:
    if not capa_can_change(actor, capa):
        return []
    return [(n, t.label) for n, t in TRANSITIONS.items() if capa.status in t.sources]


@transaction.atomic
def capa_transition(*, actor, capa: CorrectiveAction, action: str) -> CorrectiveAction:
    capa = CorrectiveAction.objects.select_for_update().get(pk=capa.pk)
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionNotAllowed(f"Unknown action '{action}'.", code=Code.UNKNOWN_ACTION)
    if not capa_can_change(actor, capa):
        raise RuleForbidden(
            "You may not change this corrective action.", code=Code.PERMISSION_DENIED
        )
    if capa.status not in transition.sources:
        hint = ""
        if action == "close" and capa.status == Status.IMPLEMENTED:
            hint = " Its effectiveness must be verified first, by someone other than the owner."
        raise TransitionNotAllowed(
            f"'{transition.label}' is not possible while the action is "
            f"'{capa.get_status_display()}'.{hint}",
            code=Code.TRANSITION_NOT_ALLOWED,
        )
    capa.status = transition.target
    now = timezone.now()
    if transition.target == Status.IMPLEMENTED:
        capa.implemented_at = now
    if transition.target == Status.CLOSED:
        capa.closed_at = now
    save_with_history(capa, actor=actor, reason=transition.label)
    return capa


VERIFY_PERMISSION = "aims.verify_correctiveaction"


def _source_owner_id(capa: CorrectiveAction) -> int | None:
    """The owner of the record the action corrects, when that record says its owner may not
    verify its corrective actions (``CAPA_VERIFIED_INDEPENDENTLY_OF_OWNER``: incidents)."""
    model = capa.source_type.model_class() if capa.source_type_id else None
    if not getattr(model, "CAPA_VERIFIED_INDEPENDENTLY_OF_OWNER", False):
        return None
    return model._base_manager.filter(pk=capa.source_id).values_list("owner_id", flat=True).first()


def verification_refusal(user, capa: CorrectiveAction) -> BusinessRuleError | None:
    """Why ``user`` may not verify ``capa``'s effectiveness now, or None: the one rule behind
    the service, the Verify button, the verification form and the API action.

    Anyone holding the verifier permission (governance officers and approvers) may verify,
    except the action's owner and the owner of the incident it corrects: so an action owned
    by the only officer is verified by an approver, and nobody is stuck."""
    if not has_perm(user, VERIFY_PERMISSION):
        return RuleForbidden(
            "Only governance officers and approvers verify corrective actions.",
            code=Code.PERMISSION_DENIED,
        )
    if capa.owner_id == user.pk:
        return RuleForbidden(
            "The owner of a corrective action cannot verify its effectiveness: someone "
            "independent must (another officer or an approver).",
            code=Code.SEGREGATION_OF_DUTIES,
        )
    if user.pk is not None and _source_owner_id(capa) == user.pk:
        return RuleForbidden(
            "The owner of the incident this action corrects cannot verify its effectiveness: "
            "someone independent must (another officer or an approver).",
            code=Code.SEGREGATION_OF_DUTIES,
        )
    if capa.status != Status.IMPLEMENTED:
        return TransitionNotAllowed(
            f"Only implemented actions are verified; this one is '{capa.get_status_display()}'.",
            code=Code.TRANSITION_NOT_ALLOWED,
        )
    return None


def can_verify(user, capa: CorrectiveAction) -> bool:
    return verification_refusal(user, capa) is None


@transaction.atomic
def capa_verify(
    *,
    actor,
    capa: CorrectiveAction,
    effective: bool,
    notes: str,
    evidence_file=None,
    evidence_url: str = "",
) -> CorrectiveAction:
    """Record whether an implemented action worked. Only a verifier who is not the owner may;
    an effective verification needs evidence (given here or already attached)."""
    capa = CorrectiveAction.objects.select_for_update().get(pk=capa.pk)
    refusal = verification_refusal(actor, capa)
    if refusal is not None:
        raise refusal
    if not notes.strip():
        raise ValidationError({"notes": ["Say how effectiveness was checked."]})
    if evidence_file or evidence_url:
        evidence_attach_to_verification(
            actor=actor,
            target=capa,
            title=f"Effectiveness check of {capa.reference}",
            file=evidence_file,
            url=evidence_url,
        )
    has_evidence = Evidence.objects.filter(
        target_type=ContentType.objects.get_for_model(CorrectiveAction), target_id=capa.pk
    ).exists()
    if effective and not has_evidence:
        raise ValidationError(
            {"evidence_url": ["Attach evidence that the action worked (a file or a link)."]}
        )
    capa.verification_notes = notes
    capa.verified_by = actor
    capa.verified_at = timezone.now()
    if effective:
        capa.status = Status.VERIFIED
        reason = f"Verified effective by {actor}"
    else:
        capa.status = Status.IN_PROGRESS
        capa.implemented_at = None
        reason = f"Found not effective by {actor}: back to work"
    save_with_history(capa, actor=actor, reason=reason)
    notify(recipients=[capa.owner], title=f"{capa.reference}: {reason}", link=capa_url(capa))
    return capa
