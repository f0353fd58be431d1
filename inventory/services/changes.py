"""Change control: once a system has passed its intake gate, its material facts are not edited
in place. An edit that touches one opens a change request carrying the proposed values; they
are applied when the change's materiality is decided.

The rule, once, for the browser, the API, the admin and the services:

- :func:`change_control_applies` says whether a record is under change control: a system's
  facts, and those of its components and datasets, from "approved for development" on (the
  intake gate approved them all, one rule). From then on a new or removed component or
  dataset, or a changed model, provider, version, supplier, data use, source or personal
  data, is proposed and decided like a change to the system's own facts (material: in
  validation or deployed, a new release round whose validations are run again; during
  development, applied, and the release gate ahead judges it; not material: applied and
  recorded). Before the intake gate (draft, intake submitted) they are edited in place.
- :func:`material_changes` says which fields of an edit are material facts (field ->
  {"from", "to"}); the services divert those into :func:`change_propose`.
- :func:`materiality_refusal` says why a user may not decide a change's materiality: on a
  medium or high tier only a governance officer decides, never the owner; on a low (or not
  yet classified) tier the owner may.

Deciding (:func:`change_request_decide`) applies the proposed values in both outcomes: "not
material" applies them and records the change; "material" applies them and sends the system
back before its release gate (deployed: back to validation, release round + 1; in
validation: a new release round; approved for development: the release gate is still ahead).
The live record therefore holds proposed values only once someone entitled has decided, and a
material change is visible as a system back in validation until the release gate passes it.
If the release gate rejects the change, the deployed version stays and the values the change
applied are put back (:func:`revert_change`).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from aims.errors import BusinessRuleError, RuleForbidden, TransitionNotAllowed
from aims.history import save_with_history, stamp
from aims.notifications.services import notify, users_in_role
from aims.permissions import has_global_perm, has_perm
from aims.roles import APPROVER, OFFICER

from ..errors import Code
from ..models import AISystem, ChangeRequest, Component, Dataset, RiskTier
from ._common import Stage, system_url

# The facts a gate approved. Editing one of them on a system under change control opens a
# change request instead of changing the record.
MATERIAL_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    AISystem: (
        "purpose",
        "affected_groups",
        "decision_impact",
        "human_oversight",
        "personal_data",
        "deployment_type",
    ),
    Component: ("model_identifier", "provider", "version", "supplier"),
    Dataset: ("use", "source", "personal_data"),
}
# Adding or removing one of these is a material change too: a component is a model, provider
# or version the system depends on, a dataset data it learns from or processes. (The
# integrations and the supplier registry link a supplier to an existing component, which is
# an edit: a first link to the supplier already named as provider is bookkeeping.)
ADDED_OR_REMOVED_UNDER_CONTROL = (Component, Dataset)
# Every field of a component or dataset, as recorded when one is added or removed.
RECORD_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Component: ("kind", "name", "version", "provider", "supplier", "model_identifier", "notes"),
    Dataset: ("name", "use", "source", "personal_data", "licence", "quality_checks"),
}
# The stages in which a system's material facts, and those of its components and datasets, are
# under change control: from the intake gate on, which approved them all.
CONTROLLED_STAGES: tuple[str, ...] = (
    Stage.APPROVED_FOR_DEVELOPMENT,
    Stage.IN_VALIDATION,
    Stage.DEPLOYED,
)
# On these tiers a governance officer decides a change's materiality; the owner proposes. On
# the others (low, and "unclassified", which asks nothing of its own) the owner may decide.
OFFICER_DECIDES_TIERS = (RiskTier.MEDIUM, RiskTier.HIGH, RiskTier.PROHIBITED)


def officer_decides(system: AISystem) -> bool:
    return system.risk_tier in OFFICER_DECIDES_TIERS


# Who decides materiality on the other tiers: the governance officers.
MATERIALITY_PERMISSION = "inventory.triage_aisystem"
TARGETS = {
    AISystem: ChangeRequest.Target.SYSTEM,
    Component: ChangeRequest.Target.COMPONENT,
    Dataset: ChangeRequest.Target.DATASET,
}


def _system_of(record) -> AISystem:
    return record if isinstance(record, AISystem) else record.system


def change_control_applies(record) -> bool:
    """Whether the material facts of ``record`` (a system, component or dataset) are under
    change control now, given the stage of its system."""
    if type(record) not in MATERIAL_FIELDS:
        return False
    system = _system_of(record)
    stage = AISystem.objects.filter(pk=system.pk).values_list("lifecycle_stage", flat=True)
    return bool(system.pk) and stage.first() in CONTROLLED_STAGES


def _json(field: models.Field, value) -> Any:
    """The value as JSON holds it: a related record by its id (the material fields are text,
    choices and one link to a supplier)."""
    return value.pk if isinstance(value, models.Model) else value


def _stored(record) -> models.Model | None:
    if record.pk is None:
        return None
    return type(record).objects.filter(pk=record.pk).first()


def _is_first_supplier_link(stored: Component, value) -> bool:
    """Linking the registered supplier whose name is the provider already recorded, where no
    supplier was linked: bookkeeping, not a change of who provides the model."""
    return (
        stored.supplier_id is None
        and value is not None
        and (getattr(value, "name", "") or "").strip().lower()
        == (stored.provider or "").strip().lower()
    )


def material_changes(record, data: dict[str, Any], *, action: str = "edit") -> dict[str, dict]:
    """The material facts an edit of ``record`` would change, as field -> {"from", "to"}
    (JSON values: ids for related records); empty when none does or when the record is not
    under change control. ``action`` is "edit", "add" (a new component or dataset) or
    "remove"."""
    model = type(record)
    if model not in MATERIAL_FIELDS or not change_control_applies(record):
        return {}
    meta = model._meta
    if action != "edit" and model not in ADDED_OR_REMOVED_UNDER_CONTROL:
        return {}
    if action == "add":
        fields = RECORD_FIELDS[model]
        return {
            name: {"from": None, "to": _json(meta.get_field(name), data.get(name))}
            for name in fields
            if name in data
        }
    stored = _stored(record)
    if stored is None:
        return {}
    if action == "remove":
        return {
            name: {"from": _json(meta.get_field(name), getattr(stored, name)), "to": None}
            for name in RECORD_FIELDS[model]
        }
    changes = {}
    for name in MATERIAL_FIELDS[model]:
        if name not in data:
            continue
        field = meta.get_field(name)
        before, after = _json(field, getattr(stored, name)), _json(field, data[name])
        if (before or None) == (after or None):
            continue
        if name == "supplier" and _is_first_supplier_link(stored, data[name]):
            continue
        changes[name] = {"from": before, "to": after}
    return changes


def change_control_required(record, data: dict[str, Any], *, action: str = "edit") -> bool:
    return bool(material_changes(record, data, action=action))


def _kind(model, fields) -> str:
    if model is Dataset:
        return ChangeRequest.Kind.NEW_DATA_SOURCE
    if model is Component:
        if {"provider", "supplier"} & set(fields):
            return ChangeRequest.Kind.VENDOR_CHANGE
        return ChangeRequest.Kind.MODEL_UPDATE
    # Not "new population or purpose", which is always material: an edit of the purpose may be
    # a rewording, and whether it is material is the officer's decision.
    return ChangeRequest.Kind.SYSTEM_FACTS


def _title(record, action: str, changes: dict) -> str:
    model = type(record)
    meta = model._meta
    if action != "edit" and model not in ADDED_OR_REMOVED_UNDER_CONTROL:
        return {}
    if action == "add":
        name = changes.get("name", {}).get("to") or ""
        return f"Add {meta.verbose_name} '{name}'"[:200]
    if action == "remove":
        return f"Remove {meta.verbose_name} {record.reference} '{record.name}'"[:200]
    labels = ", ".join(str(meta.get_field(name).verbose_name) for name in changes)
    where = "" if model is AISystem else f" of {record.reference}"
    return f"Change {labels}{where}"[:200]


@transaction.atomic
def change_propose(
    *, actor, record, changes: dict[str, dict], action: str = "edit", reason: str = ""
) -> ChangeRequest:
    """Open a change request for an edit of material facts instead of applying it. The caller
    has checked the actor may edit the record; nothing in the record changes here."""
    system = AISystem.objects.select_for_update().get(pk=_system_of(record).pk)
    model = type(record)
    rows = "\n".join(f"- {name}: {c['from']!r} -> {c['to']!r}" for name, c in changes.items())
    change = ChangeRequest(
        system=system,
        kind=_kind(model, changes),
        title=_title(record, action, changes),
        description=(reason.strip() + "\n\n" if reason.strip() else "")
        + "Proposed by an edit; not applied until its materiality is decided.\n"
        + rows,
        is_material=None,
        status=ChangeRequest.Status.PROPOSED,
        requested_by=actor,
        target=TARGETS[model],
        target_id=None if model is AISystem else record.pk,
        target_action=action,
        proposed_values=changes,
    )
    save_with_history(change, actor=actor, reason="Change proposed by an edit of material facts")
    if not officer_decides(system):
        recipients = [system.owner]
    else:
        recipients = users_in_role(OFFICER).exclude(pk=actor.pk)
    notify(
        recipients=recipients,
        title=f"Change to decide: {change.reference} on {system.reference} {system.name}",
        body=change.title,
        link=system_url(system) + "changes/",
    )
    return change


def materiality_refusal(user, change: ChangeRequest) -> BusinessRuleError | None:
    """Why ``user`` may not decide the materiality of ``change`` now, or None.

    Only a proposed change is decided, once. On a medium or high tier a governance officer
    decides and the owner only proposes; on a low (or not yet classified) tier the system's
    owner may decide too. An officer who owns the system does not decide its changes."""
    system = change.system
    if change.status != ChangeRequest.Status.PROPOSED:
        return TransitionNotAllowed(
            f"{change.reference} is '{change.get_status_display()}': its materiality was "
            "already decided.",
            code=Code.ALREADY_DECIDED,
        )
    if system.lifecycle_stage in (Stage.RETIRED, Stage.REJECTED):
        return TransitionNotAllowed(
            f"The system is {system.get_lifecycle_stage_display().lower()}: its changes are "
            "closed.",
            code=Code.SYSTEM_CLOSED,
        )
    officer = has_global_perm(user, MATERIALITY_PERMISSION)
    owner_may = not officer_decides(system) and has_perm(user, "inventory.change_aisystem", system)
    if owner_may:
        return None
    if officer and system.owner_id == user.pk:
        return RuleForbidden(
            "You own this system: another governance officer decides whether its changes are "
            "material.",
            code=Code.SEGREGATION_OF_DUTIES,
        )
    if officer:
        return None
    if has_perm(user, "inventory.change_aisystem", system):
        return RuleForbidden(
            f"On a {system.get_risk_tier_display().lower()}-tier system a governance officer "
            "decides whether a change is material; you have proposed it, and the officers "
            "have been told.",
            code=Code.MATERIALITY_NEEDS_OFFICER,
        )
    return RuleForbidden(
        "Only a governance officer decides whether a change is material.",
        code=Code.PERMISSION_DENIED,
    )


def can_decide_materiality(user, change: ChangeRequest) -> bool:
    return materiality_refusal(user, change) is None


def declaration_refusal(user, system: AISystem, is_material: bool | None):
    """Why ``user`` may not declare a new change request on ``system`` not material, or None:
    the owner of a system whose tier is not low proposes, an officer decides."""
    if is_material is not False:
        return None
    if not officer_decides(system):
        return None
    if has_global_perm(user, MATERIALITY_PERMISSION) and system.owner_id != user.pk:
        return None
    return RuleForbidden(
        f"On a {system.get_risk_tier_display().lower()}-tier system a governance officer "
        "decides that a change is not material: declare it material, or edit the system's "
        "records, which proposes the change for an officer's decision.",
        code=Code.MATERIALITY_NEEDS_OFFICER,
    )


def _set_values(record, changes: dict[str, dict], side: str) -> None:
    for name, change in changes.items():
        field = record._meta.get_field(name)
        value = change[side]
        if value is None and not field.null:
            value = "" if isinstance(field, models.CharField | models.TextField) else value
        setattr(record, field.attname, value)


def _apply(*, actor, change: ChangeRequest, system: AISystem, why: str) -> None:
    """Write the proposed values of ``change`` (the system's own fields onto ``system``, which
    the caller saves; a component or dataset is saved here)."""
    values = change.proposed_values or {}
    if not values or not change.target:
        return
    if change.target == ChangeRequest.Target.SYSTEM:
        _set_values(system, values, "to")
        return
    model = change.target_model()
    if change.target_action == ChangeRequest.Action.ADD:
        record = model(system=system)
        _set_values(record, values, "to")
        save_with_history(record, actor=actor, reason=why)
        change.target_id = record.pk
        return
    record = model.objects.filter(pk=change.target_id, system=system).first()
    if record is None:
        raise TransitionNotAllowed(
            f"The {model._meta.verbose_name} this change was proposed for no longer exists.",
            code=Code.TRANSITION_NOT_ALLOWED,
        )
    if change.target_action == ChangeRequest.Action.REMOVE:
        stamp(record, actor=actor, reason=why)
        record.delete()
        return
    _set_values(record, values, "to")
    save_with_history(record, actor=actor, reason=why)


def revert_change(*, actor, change: ChangeRequest, system: AISystem, why: str) -> None:
    """Put back what ``change`` applied (the release gate refused it): the system's fields on
    ``system`` (the caller saves it), a component or dataset here; a removed one comes back as
    a new record with the values it had."""
    values = change.proposed_values or {}
    if not values or not change.target or change.is_material is None:
        return
    if change.target == ChangeRequest.Target.SYSTEM:
        _set_values(system, values, "from")
        return
    model = change.target_model()
    if change.target_action == ChangeRequest.Action.REMOVE:
        record = model(system=system)
        _set_values(record, values, "from")
        save_with_history(record, actor=actor, reason=why)
        return
    record = model.objects.filter(pk=change.target_id, system=system).first()
    if record is None:
        return
    if change.target_action == ChangeRequest.Action.ADD:
        stamp(record, actor=actor, reason=why)
        record.delete()
        return
    _set_values(record, values, "from")
    save_with_history(record, actor=actor, reason=why)


def reopen_for_material_change(*, actor, system: AISystem, change: ChangeRequest) -> str:
    """Send ``system`` back before its release gate for a material ``change`` (the caller
    saves the system). Returns the status the change takes."""
    pending = ChangeRequest.objects.filter(
        system=system, status=ChangeRequest.Status.IN_RELEASE_REVIEW
    ).exclude(pk=change.pk)
    under_release = system.lifecycle_stage == Stage.DEPLOYED or pending.exists()
    if system.lifecycle_stage == Stage.DEPLOYED:
        system.lifecycle_stage = Stage.IN_VALIDATION
        system.release_round += 1
    elif system.lifecycle_stage == Stage.IN_VALIDATION:
        system.release_round += 1
    if under_release:
        return ChangeRequest.Status.IN_RELEASE_REVIEW
    return ChangeRequest.Status.APPLIED


def notify_release_reopened(system: AISystem, change: ChangeRequest) -> None:
    if system.lifecycle_stage != Stage.IN_VALIDATION:
        return
    notify(
        recipients=users_in_role(APPROVER).exclude(pk=system.owner_id),
        title=f"Release gate reopened: {system.reference} {system.name}",
        body=f"Material change {change.reference}: {change.title}",
        link=system_url(system),
    )


@transaction.atomic
def change_request_decide(
    *, actor, change: ChangeRequest, material: bool, reason: str
) -> ChangeRequest:
    """Decide whether a proposed change is material, with a reason, and apply its values:
    not material, the change is recorded; material, the system goes back before its release
    gate (see the module's description)."""
    system = AISystem.objects.select_for_update().get(pk=change.system_id)
    change = ChangeRequest.objects.select_for_update().get(pk=change.pk)
    change.system = system
    refusal = materiality_refusal(actor, change)
    if refusal is not None:
        raise refusal
    if not (reason or "").strip():
        raise ValidationError({"reason": ["Say why the change is or is not material."]})
    if not isinstance(material, bool):
        raise ValidationError({"material": ["Say whether the change is material."]})
    if change.kind in ChangeRequest.ALWAYS_MATERIAL and not material:
        raise BusinessRuleError(
            f"A '{change.get_kind_display().lower()}' change is always material.",
            code=Code.INVALID,
        )
    verdict = "material" if material else "not material"
    why = f"Change {change.reference} applied ({verdict}, decided by {actor})"
    _apply(actor=actor, change=change, system=system, why=why)
    if material:
        change.status = reopen_for_material_change(actor=actor, system=system, change=change)
    else:
        change.status = ChangeRequest.Status.RECORDED
    change.is_material = material
    change.materiality_decided_by = actor
    change.materiality_decided_at = timezone.now()
    change.materiality_reason = reason.strip()
    save_with_history(change, actor=actor, reason=f"Decided {verdict}: {reason.strip()}")
    if material and system.lifecycle_stage == Stage.IN_VALIDATION:
        save_with_history(
            system, actor=actor, reason=f"{why}: back to release (round {system.release_round})"
        )
    elif material or change.target == ChangeRequest.Target.SYSTEM:
        save_with_history(system, actor=actor, reason=why)
    if material:
        notify_release_reopened(system, change)
    notify(
        recipients=[change.requested_by],
        title=f"{change.reference} decided {verdict}",
        body=reason.strip(),
        link=system_url(system) + "changes/",
    )
    return change


def diverted_message(change: ChangeRequest) -> str:
    """What the user is told when an edit opened ``change`` instead of changing the record."""
    system = change.system
    if not officer_decides(system):
        who = "you or a governance officer decide"
    else:
        who = "a governance officer decides"
    return (
        f"Change control: {system.reference} has passed its intake gate, so '{change.title}' "
        f"is not applied in place. {change.reference} was opened with your proposed values; "
        f"they are applied once {who} whether the change is material."
    )
