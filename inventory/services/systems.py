"""AI systems: intake of a new use case, editing its details (an oversight person on a high
tier needs in-date training, or an officer's exception), handing it to another owner,
recording the risk tier the risk app decided, and the lifecycle actions outside the gates
(triage, resubmit, start validation, retire)."""

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from aims.competence import services as competence_services
from aims.errors import BusinessRuleError, RuleForbidden, TransitionNotAllowed
from aims.history import save_with_history
from aims.notifications.services import notify, users_in_role
from aims.people import display_name
from aims.permissions import has_global_perm, has_perm, require
from aims.roles import OFFICER

from .. import webhook_events
from ..errors import Code
from ..models import AISystem, Approval, ChangeRequest, Component, Gate, RiskTier
from ._common import (
    Stage,
    _close_pending_changes,
    _grant_owner,
    _revoke_owner,
    released_tier,
    system_url,
    tier_rose,
)
from .changes import change_propose, material_changes

INTAKE_FIELDS = (
    "name",
    "purpose",
    "expected_benefit",
    "business_unit",
    "deployment_type",
    "ai_technique",
    "decision_impact",
    "human_oversight",
    "intended_users",
    "affected_groups",
    "data_description",
    "personal_data",
    "user_facing",
    "used_in_eu",
    "known_risks",
)
EDITABLE_FIELDS = (
    *INTAKE_FIELDS,
    "review_cadence_months",
    "next_review_date",
    "in_aims_scope",
    "oversight_person",
    "external_id",
)
#: Identity fields that may be given at intake besides the form's (an import sets it).
INTAKE_IDENTITY_FIELDS = ("external_id",)
# Not a field: an officer's reason for naming an oversight person who lacks the training a
# high-tier system requires (aims.competence.services). Forms and the API pass it in ``data``.
OVERSIGHT_EXCEPTION = "oversight_exception"
OVERSIGHT_EXCEPTION_EXPIRES = "oversight_exception_expires_on"  # the exception's last day


@transaction.atomic
def system_submit_intake(
    *,
    actor,
    data: dict[str, Any],
    owner=None,
    vendor: str = "",
    model_name: str = "",
    supplier=None,
) -> AISystem:
    """Register a use case: the system starts at "intake submitted" and officers are told.

    The actor owns it unless an officer names another owner. ``supplier`` (a register
    entry, picked by the guided intake) links the first component to the supplier register;
    ``vendor`` is the older free-text name, kept for the one-shot form and the API.
    """
    require(actor, "inventory.add_aisystem", message="You may not submit intake forms.")
    if owner is not None and owner != actor:
        require(
            actor,
            "inventory.triage_aisystem",
            message="Only a governance officer can submit on behalf of another owner.",
        )
    unknown = set(data) - set(INTAKE_FIELDS) - set(INTAKE_IDENTITY_FIELDS)
    if unknown:
        raise BusinessRuleError(f"Unknown fields: {', '.join(sorted(unknown))}", code=Code.INVALID)
    system = AISystem(**data, owner=owner or actor, submitted_by=actor)
    save_with_history(system, actor=actor, reason="Use-case intake submitted")
    webhook_events.system_created(system)
    _grant_owner(system, system.owner)
    if supplier is not None:
        vendor = supplier.name
    if vendor or model_name:
        component = Component(
            system=system,
            kind=Component.Kind.MODEL,
            name=model_name or f"{vendor} model",
            provider=vendor,
            supplier=supplier,
        )
        save_with_history(component, actor=actor, reason="Vendor and model named at intake")
    notify(
        recipients=users_in_role(OFFICER),
        title=f"New intake: {system.reference} {system.name}",
        body=f"{actor.get_full_name() or actor.username} submitted a use case for triage.",
        link=system_url(system),
    )
    return system


@dataclass(frozen=True)
class Edited:
    """What an edit did: the record as saved (its non-material fields changed in place) and
    the change request it opened for the material facts it touched, if any."""

    record: Any
    change: ChangeRequest | None = None


def system_update(*, actor, system: AISystem, data: dict[str, Any], reason: str = "") -> AISystem:
    """Edit a system's details; returns the system as saved (see :func:`system_edit`)."""
    return system_edit(actor=actor, system=system, data=data, reason=reason).record


@transaction.atomic
def system_edit(*, actor, system: AISystem, data: dict[str, Any], reason: str = "") -> Edited:
    """Edit a system's details. Material facts of a system past its intake gate are not
    changed in place: they open a change request (services.changes); the other fields are
    saved, with history."""
    require(actor, "inventory.change_aisystem", system, "You may not edit this AI system.")
    # Re-read under lock: a stale copy must never write back an old stage or round.
    system = AISystem.objects.select_for_update().get(pk=system.pk)
    if system.lifecycle_stage in (Stage.RETIRED, Stage.REJECTED):
        raise TransitionNotAllowed(
            f"A {system.get_lifecycle_stage_display().lower()} system is kept as it was; it "
            "cannot be edited.",
            code=Code.SYSTEM_CLOSED,
        )
    data = dict(data)
    exception = (data.pop(OVERSIGHT_EXCEPTION, "") or "").strip()
    exception_expires_on = data.pop(OVERSIGHT_EXCEPTION_EXPIRES, None)
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise BusinessRuleError(f"Unknown fields: {', '.join(sorted(unknown))}", code=Code.INVALID)
    material = material_changes(system, data)
    for field in material:
        data.pop(field)
    change = None
    if material:
        change = change_propose(actor=actor, record=system, changes=material, reason=reason)
        data = {k: v for k, v in data.items() if getattr(system, k) != v}
        if not data:
            return Edited(AISystem.objects.get(pk=system.pk), change)
    person = data.get("oversight_person")
    oversight_changed = "oversight_person" in data and (
        getattr(person, "pk", None) != system.oversight_person_id
    )
    missing, granted = [], ""
    if oversight_changed:  # a high tier needs an oversight person with in-date training
        missing, granted = competence_services.oversight_check(
            actor=actor,
            person=person,
            risk_tier=system.risk_tier,
            exception_reason=exception,
            exception_expires_on=exception_expires_on,
        )
    for field, value in data.items():
        setattr(system, field, value)
    reason = reason or "Details edited"
    if oversight_changed:
        reason += f"; oversight person: {person or 'none'}"
        if missing:
            reason += f" (training exception: {granted})"
    save_with_history(system, actor=actor, reason=reason)
    if oversight_changed:
        competence_services.oversight_record(
            actor=actor,
            person=person,
            system_reference=system.reference,
            missing=missing,
            exception=granted,
            exception_expires_on=exception_expires_on,
        )
    return Edited(system, change)


@transaction.atomic
def system_set_owner(*, actor, system: AISystem, owner, reason: str = "") -> AISystem:
    """Hand a system to another owner; object permissions follow the owner."""
    require(
        actor, "inventory.triage_aisystem", message="Only a governance officer can change owners."
    )
    system = AISystem.objects.select_for_update().get(pk=system.pk)
    if owner == system.owner:
        return system
    previous = system.owner
    system.owner = owner
    save_with_history(
        system, actor=actor, reason=reason or f"Owner changed from {previous} to {owner}"
    )
    _revoke_owner(system, previous)
    _grant_owner(system, owner)
    notify(
        recipients=[owner],
        title=f"You now own {system.reference} {system.name}",
        link=system_url(system),
    )
    return system


# The order of the tiers for "the tier rose". "Unclassified" is no tier yet, not one below
# low: a first classification is not a rise (systems registered before classification keep
# moving; the requirements matrix's "unclassified" row is what officers tighten).
# Stages past the intake gate that a tier rise sends back before the release gate.
REOPENED_BY_TIER_RISE = (Stage.APPROVED_FOR_DEVELOPMENT, Stage.IN_VALIDATION, Stage.DEPLOYED)


@transaction.atomic
def system_set_risk_tier(*, actor, system: AISystem, tier: str, reason: str) -> AISystem:
    """Record the risk tier a classification decided. Only the risk app calls this: the tier
    is never edited by hand, so it always has a recorded, reasoned decision behind it.

    A rise reopens the release gate, so the new tier's requirements are met before the system
    is (again) in production: a deployed system goes back to validation in a new release
    round; one in validation starts a new round when approvals were already given in this one
    (they were given under the old tier); one approved for development stays there, and its
    release gate will check the new tier. The system records why (``reopened_reason``,
    shown on its page) until the release gate is passed. A lower tier reopens nothing."""
    system = AISystem.objects.select_for_update().get(pk=system.pk)
    if system.risk_tier == tier:
        return system
    previous_tier = system.risk_tier
    previous_stage = system.lifecycle_stage
    previous = system.get_risk_tier_display()
    system.risk_tier = tier
    webhook_events.tier_changed(system, previous_tier)
    history_reason = reason or f"Risk tier {previous} -> {tier}"
    if _reopens(system, previous_tier, tier):
        new = system.get_risk_tier_display()
        when = timezone.localdate().isoformat()
        if system.lifecycle_stage == Stage.DEPLOYED:
            system.lifecycle_stage = Stage.IN_VALIDATION
            system.release_round += 1
            back = "Back to validation"
        elif system.lifecycle_stage == Stage.IN_VALIDATION:
            given = Approval.objects.filter(
                system=system, gate=Gate.RELEASE, round=system.release_round
            ).exists()
            if given:
                system.release_round += 1
            back = "Release gate restarted" if given else "Still in validation"
        else:
            back = "Still approved for development"
        system.reopened_reason = (
            f"{back}: the risk tier rose from {previous.lower()} to {new.lower()} on {when}. "
            f"The release gate must be passed under the {new.lower()} tier's requirements "
            "(see 'Gates and approvals')."
        )
        history_reason = f"{history_reason} | {system.reopened_reason}"
        save_with_history(system, actor=actor, reason=history_reason)
        webhook_events.stage_changed(system, previous_stage)
        if system.lifecycle_stage == Stage.IN_VALIDATION:
            notify(
                recipients=[system.owner],
                title=f"{system.reference}: risk tier rose to {new.lower()}",
                body=system.reopened_reason,
                link=system_url(system),
            )
        return system
    if _back_under_the_released_tier(system):
        # A rise had reopened the gate and the tier has fallen back (the change that raised
        # it was refused, or the classification was corrected): the version in production
        # passed the gate under this tier, so it stays deployed.
        system.lifecycle_stage = Stage.DEPLOYED
        system.reopened_reason = ""
        history_reason += " | back to the tier it was released under: stays deployed"
    save_with_history(system, actor=actor, reason=history_reason)
    webhook_events.stage_changed(system, previous_stage)
    return system


def _reopens(system: AISystem, previous_tier: str, tier: str) -> bool:
    """Whether moving ``system`` from ``previous_tier`` to ``tier`` reopens its release gate.
    A first classification ("unclassified" ranks with low) reopens it once something passed
    or was approved at the release gate under no tier: the system is deployed, or release
    approvals were given in this round; before that, the gate still ahead will check the new
    tier anyway, and nothing needs saying."""
    if not tier_rose(previous_tier, tier) or system.lifecycle_stage not in REOPENED_BY_TIER_RISE:
        return False
    if previous_tier != RiskTier.UNCLASSIFIED or system.lifecycle_stage == Stage.DEPLOYED:
        return True
    return Approval.objects.filter(
        system=system, gate=Gate.RELEASE, round=system.release_round
    ).exists()


def _back_under_the_released_tier(system: AISystem) -> bool:
    reopened = system.lifecycle_stage == Stage.IN_VALIDATION and system.reopened_reason
    if (
        not reopened
        or ChangeRequest.objects.filter(
            system=system, status=ChangeRequest.Status.IN_RELEASE_REVIEW
        ).exists()
    ):
        return False
    released = released_tier(system)
    return released is not None and not tier_rose(released, system.risk_tier)


@dataclass(frozen=True)
class Transition:
    label: str
    sources: tuple[str, ...]
    target: str
    permission: str  # checked on the system: global for officers, object-level for owners


TRANSITIONS: dict[str, Transition] = {
    "start_triage": Transition(
        "Start triage", (Stage.INTAKE_SUBMITTED,), Stage.IN_TRIAGE, "inventory.triage_aisystem"
    ),
    "resubmit": Transition(
        "Resubmit after changes",
        (Stage.CHANGES_REQUESTED,),
        "",  # back to the gate that asked for the changes
        "inventory.change_aisystem",
    ),
    "start_validation": Transition(
        "Start validation",
        (Stage.APPROVED_FOR_DEVELOPMENT,),
        Stage.IN_VALIDATION,
        "inventory.change_aisystem",
    ),
    "retire": Transition(
        "Retire",
        (Stage.APPROVED_FOR_DEVELOPMENT, Stage.IN_VALIDATION, Stage.DEPLOYED),
        Stage.RETIRED,
        "inventory.change_aisystem",
    ),
}


def available_transitions(*, actor, system: AISystem) -> list[tuple[str, Transition]]:
    return [
        (name, t)
        for name, t in TRANSITIONS.items()
        if system.lifecycle_stage in t.sources and has_perm(actor, t.permission, system)
    ]


def transition_refusal(actor, system: AISystem, action: str) -> BusinessRuleError | None:
    """Why ``actor`` may not run ``action`` on ``system`` now, or None: the permission the
    action needs (on the system), then the stage it starts from."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        return BusinessRuleError(f"Unknown action '{action}'.", code=Code.UNKNOWN_ACTION)
    if not has_perm(actor, transition.permission, system):
        return RuleForbidden(
            f"You may not '{transition.label}' on this system.", code=Code.PERMISSION_DENIED
        )
    if system.lifecycle_stage not in transition.sources:
        allowed = ", ".join(Stage(s).label for s in transition.sources)
        return TransitionNotAllowed(
            f"'{transition.label}' is not possible at stage "
            f"'{system.get_lifecycle_stage_display()}'; it needs: {allowed}.",
            code=Code.TRANSITION_NOT_ALLOWED,
        )
    return None


TRIAGE_PERMISSION = "inventory.triage_aisystem"
TRIAGE_NOTES_MAX = 5000


def can_triage(user) -> bool:
    """Whether ``user`` may be given an intake to triage: an active governance officer."""
    return user is not None and has_global_perm(user, TRIAGE_PERMISSION)


def triage_candidates() -> QuerySet:
    """:func:`can_triage` as a query, for the assignee picker: active users holding the
    triage permission through a group or directly, or superusers."""
    app_label, codename = TRIAGE_PERMISSION.split(".")
    perms = Permission.objects.filter(codename=codename, content_type__app_label=app_label)
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(
            Q(is_superuser=True) | Q(groups__permissions__in=perms) | Q(user_permissions__in=perms)
        )
        .distinct()
        .order_by("first_name", "last_name", "username")
    )


def triage_input_errors(
    *, assignee=None, target_date: date | None = None, notes: str = ""
) -> dict[str, list[str]]:
    """What is wrong with the triage details, field by field, in words (empty: nothing).

    The one rule behind the triage form, the API and the service: the assignee must be
    someone who can triage, the target date must not be in the past."""
    errors: dict[str, list[str]] = {}
    if assignee is not None and not can_triage(assignee):
        errors["assignee"] = [
            f"{display_name(assignee)} cannot triage intakes: choose a governance officer."
        ]
    if target_date is not None and target_date < timezone.localdate():
        errors["target_date"] = ["The target date cannot be in the past."]
    if len(notes or "") > TRIAGE_NOTES_MAX:
        errors["notes"] = [f"Keep the notes under {TRIAGE_NOTES_MAX} characters."]
    return errors


def _apply_triage(
    system: AISystem, *, actor, notes: str, assignee, target_date: date | None
) -> None:
    errors = triage_input_errors(assignee=assignee, target_date=target_date, notes=notes)
    if errors:
        raise ValidationError(errors)
    # Whoever starts triage without naming someone else triages it themselves.
    system.triage_assignee = assignee or actor
    system.triage_target_date = target_date
    system.triage_notes = (notes or "").strip()


def transition_message(system: AISystem, action: str) -> str:
    """What a lifecycle action did, in words, for the page's message."""
    name = f"{system.reference} {system.name}"
    stage = system.get_lifecycle_stage_display().lower()
    if action == "start_triage":
        target = (
            f"target {system.triage_target_date:%d %b %Y}"
            if system.triage_target_date
            else "no target date"
        )
        return (
            f"{name} is now in triage, assigned to {display_name(system.triage_assignee)}, "
            f"{target}."
        )
    if action == "resubmit":
        return f"{name} was resubmitted; its stage is now '{system.get_lifecycle_stage_display()}'."
    if action == "retire":
        return f"{name} is now retired."
    return f"{name} is now {stage}."


@transaction.atomic
def system_transition(
    *,
    actor,
    system: AISystem,
    action: str,
    reason: str = "",
    notes: str = "",
    assignee=None,
    target_date: date | None = None,
) -> AISystem:
    """Run one lifecycle action named in TRANSITIONS, or refuse with the reason.

    ``start_triage`` also records the triage details: notes, the assignee (the actor unless
    named; someone who can triage) and a target date (not in the past); all optional."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise BusinessRuleError(f"Unknown action '{action}'.", code=Code.UNKNOWN_ACTION)
    system = AISystem.objects.select_for_update().get(pk=system.pk)
    refusal = transition_refusal(actor, system, action)
    if refusal is not None:
        raise refusal
    if action == "start_triage":
        _apply_triage(system, actor=actor, notes=notes, assignee=assignee, target_date=target_date)
    target = transition.target
    if action == "resubmit":
        if system.returned_from_gate == Gate.RELEASE:
            target = Stage.IN_VALIDATION
            system.release_round += 1
        else:
            target = Stage.INTAKE_SUBMITTED
            system.intake_round += 1
        system.returned_from_gate = ""
    previous = system.get_lifecycle_stage_display()
    previous_stage = system.lifecycle_stage
    system.lifecycle_stage = target
    save_with_history(
        system,
        actor=actor,
        reason=reason
        or f"{transition.label}: {previous} -> {system.get_lifecycle_stage_display()}",
    )
    webhook_events.stage_changed(system, previous_stage)
    if action == "start_triage" and system.triage_assignee != actor:
        notify(
            recipients=[system.triage_assignee],
            title=f"Triage assigned to you: {system.reference} {system.name}",
            body=system.triage_notes,
            link=system_url(system),
        )
    if action == "retire":
        _close_pending_changes(
            actor, system, ChangeRequest.Status.WITHDRAWN, "Withdrawn: system retired"
        )
    if action == "resubmit" and target == Stage.INTAKE_SUBMITTED:
        notify(
            recipients=users_in_role(OFFICER),
            title=f"Intake resubmitted: {system.reference} {system.name}",
            link=system_url(system),
        )
    return system
