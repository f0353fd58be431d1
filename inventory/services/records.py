"""Records under a system: its components and datasets, validation records (with their
evidence, and the independent review a tier may ask for) and change requests (a material
change to a deployed system reopens the release gate). A closed system's records stay as they
were. From validation on, adding or removing a component or dataset, or an edit that touches a
material fact of one, opens a change request instead (services.changes)."""

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from aims.errors import BusinessRuleError, RuleForbidden, TransitionNotAllowed
from aims.evidence.services import evidence_create
from aims.history import save_with_history, stamp
from aims.notifications.services import notify
from aims.permissions import has_perm, require

from ..errors import Code
from ..models import AISystem, ChangeRequest, Component, Dataset, ValidationRecord
from ..vendor_changes import change_request_refusal
from ._common import Stage, system_url
from .changes import (
    change_propose,
    declaration_refusal,
    material_changes,
    notify_release_reopened,
    reopen_for_material_change,
)
from .conditions import Blocker


def _require_system_change(actor, system: AISystem, model_perm: str) -> None:
    system.refresh_from_db(fields=["lifecycle_stage", "release_round"])
    require(actor, model_perm)
    require(
        actor, "inventory.change_aisystem", system, "You may not change records of this system."
    )
    if system.lifecycle_stage in (Stage.RETIRED, Stage.REJECTED):
        raise TransitionNotAllowed(
            f"The system is {system.get_lifecycle_stage_display().lower()}: its records are "
            "closed.",
            code=Code.SYSTEM_CLOSED,
        )


def child_save(*, actor, record, data: dict[str, Any], reason: str = ""):
    """Create or edit a component or dataset of a system; returns the record as saved (see
    :func:`child_edit`: an edit of material facts opens a change request instead)."""
    return child_edit(actor=actor, record=record, data=data, reason=reason).record


@transaction.atomic
def child_edit(*, actor, record, data: dict[str, Any], reason: str = ""):
    """Create or edit a component or dataset of a system. Under change control (from
    "approved for development" on), adding one or changing its material facts opens a change
    request with the proposed values; the other fields are saved in place."""
    from .systems import Edited

    meta = record._meta
    action = "change" if record.pk else "add"
    _require_system_change(actor, record.system, f"inventory.{action}_{meta.model_name}")
    data = dict(data)
    material = material_changes(record, data, action="edit" if record.pk else "add")
    if material:
        change = change_propose(
            actor=actor,
            record=record,
            changes=material,
            action="edit" if record.pk else "add",
            reason=reason,
        )
        if not record.pk:
            return Edited(None, change)
        # A bound form may have written its input onto ``record``: work on the stored row.
        record = type(record).objects.get(pk=record.pk)
        data = {k: v for k, v in data.items() if k not in material and getattr(record, k) != v}
        if not data:
            return Edited(record, change)
    else:
        change = None
    for field, value in data.items():
        setattr(record, field, value)
    verb = "edited" if record.pk else "added"
    save_with_history(
        record, actor=actor, reason=reason or f"{meta.verbose_name.capitalize()} {verb}"
    )
    return Edited(record, change)


@transaction.atomic
def child_delete(*, actor, record, reason: str = "") -> ChangeRequest | None:
    """Remove a component or dataset; under change control (from "approved for development"
    on) the removal is proposed as a change request instead (returned), and the record stays."""
    meta = record._meta
    _require_system_change(actor, record.system, f"inventory.delete_{meta.model_name}")
    material = material_changes(record, {}, action="remove")
    if material:
        return change_propose(
            actor=actor, record=record, changes=material, action="remove", reason=reason
        )
    stamp(record, actor=actor, reason=reason or f"{meta.verbose_name.capitalize()} removed")
    record.delete()
    return None


def component_save(*, actor, component: Component, data: dict[str, Any]) -> Component:
    return child_save(actor=actor, record=component, data=data)


def dataset_save(*, actor, dataset: Dataset, data: dict[str, Any]) -> Dataset:
    return child_save(actor=actor, record=dataset, data=data)


@transaction.atomic
def validation_record_create(
    *,
    actor,
    system: AISystem,
    test_type: str,
    title: str,
    method: str,
    result: str,
    performed_on: date,
    summary: str = "",
    evidence_file=None,
    evidence_url: str = "",
) -> ValidationRecord:
    _require_system_change(actor, system, "inventory.add_validationrecord")
    record = ValidationRecord(
        system=system,
        test_type=test_type,
        title=title,
        method=method,
        result=result,
        performed_on=performed_on,
        summary=summary,
        performed_by=actor,
        release_round=system.release_round,
    )
    save_with_history(record, actor=actor, reason="Validation recorded")
    if evidence_file or evidence_url:
        evidence_create(
            actor=actor,
            target=record,
            title=f"Evidence for {record.reference} {title}"[:200],
            file=evidence_file,
            url=evidence_url,
        )
    return record


# --- Independent review of validation records ------------------------------------------------


def counting_validations(system: AISystem) -> list[ValidationRecord]:
    """The records the release gate counts: the latest of each test type in this round."""
    latest: dict[str, ValidationRecord] = {}
    records = ValidationRecord.objects.filter(
        system=system, release_round=system.release_round
    ).select_related("system", "performed_by")
    for record in records.order_by("performed_on", "id"):
        latest[record.test_type] = record
    return list(latest.values())


def validations_needing_review(system: AISystem) -> list[ValidationRecord]:
    """Of the records the release gate counts, the passing ones the system's owner performed
    and nobody else has reviewed."""
    return [
        r
        for r in counting_validations(system)
        if r.result == ValidationRecord.Result.PASS and not r.is_independent
    ]


def independent_review_gap(system: AISystem) -> Blocker | None:
    """Why the validation is not independent of the owner, or None. The risk app asks it
    where the tier's requirements ask for independent validation."""
    pending = validations_needing_review(system)
    if not pending:
        return None
    names = ", ".join(f"{r.reference} '{r.title}'" for r in pending)
    return Blocker(
        f"Validation recorded by the system's owner needs a review by someone else (an "
        f"officer or approver confirms it): {names}.",
        Code.INDEPENDENT_REVIEW_MISSING,
    )


def validation_review_refusal(user, record: ValidationRecord) -> BusinessRuleError | None:
    """Why ``user`` may not confirm the review of ``record``, or None: a reviewer holds the
    permission, is neither the system's owner nor the person who performed the test, and
    reviews each record once."""
    if not has_perm(user, "inventory.review_validationrecord"):
        return RuleForbidden(
            "Only governance officers and approvers confirm validation reviews.",
            code=Code.PERMISSION_DENIED,
        )
    if user.pk == record.system.owner_id:
        return RuleForbidden(
            "You own this system: an independent review must come from someone else.",
            code=Code.SEGREGATION_OF_DUTIES,
        )
    if user.pk == record.performed_by_id:
        return RuleForbidden(
            "You performed this test: a review needs a second person.",
            code=Code.SEGREGATION_OF_DUTIES,
        )
    if record.reviewed_by_id is not None:
        return TransitionNotAllowed(
            f"{record.reference} was already reviewed.", code=Code.ALREADY_REVIEWED
        )
    if record.system.lifecycle_stage in (Stage.RETIRED, Stage.REJECTED):
        return TransitionNotAllowed(
            f"The system is {record.system.get_lifecycle_stage_display().lower()}: its "
            "records are closed.",
            code=Code.SYSTEM_CLOSED,
        )
    return None


def can_review_validation(user, record: ValidationRecord) -> bool:
    return validation_review_refusal(user, record) is None


@transaction.atomic
def validation_record_review(
    *, actor, record: ValidationRecord, note: str = ""
) -> ValidationRecord:
    """Confirm, as someone other than the system's owner, that a validation record was
    reviewed: its method, data and result hold."""
    record = ValidationRecord.objects.select_for_update().select_related("system").get(pk=record.pk)
    refusal = validation_review_refusal(actor, record)
    if refusal is not None:
        raise refusal
    record.reviewed_by = actor
    record.reviewed_at = timezone.now()
    record.review_note = (note or "").strip()
    save_with_history(record, actor=actor, reason=f"Independent review confirmed by {actor}")
    notify(
        recipients=[record.system.owner],
        title=f"{record.system.reference}: {record.reference} reviewed by {actor}",
        body=record.review_note,
        link=system_url(record.system),
    )
    return record


@transaction.atomic
def change_request_create(
    *,
    actor,
    system: AISystem,
    kind: str,
    title: str,
    description: str,
    is_material: bool | None = None,
) -> ChangeRequest:
    """Record a change to a deployed system. Declared material (or left undeclared: when in
    doubt a change is material), it reopens the release gate at once; declared not material,
    it is recorded, which on a medium or high tier only a governance officer may declare
    (services.changes.declaration_refusal)."""
    system = AISystem.objects.select_for_update().get(pk=system.pk)
    _require_system_change(actor, system, "inventory.add_changerequest")
    if system.lifecycle_stage != Stage.DEPLOYED:
        raise TransitionNotAllowed(
            "Change requests are for deployed systems; this one is at stage "
            f"'{system.get_lifecycle_stage_display()}', so edit its records directly.",
            code=Code.NOT_DEPLOYED,
        )
    if (waiting := change_request_refusal(system=system, kind=kind)) is not None:
        raise waiting  # a vendor change to assess first (inventory/vendor_changes.py)
    if is_material is None or kind in ChangeRequest.ALWAYS_MATERIAL:
        is_material = True  # when in doubt, a change goes back through the release gate
    refusal = declaration_refusal(actor, system, is_material)
    if refusal is not None:
        raise refusal
    status = (
        ChangeRequest.Status.IN_RELEASE_REVIEW if is_material else ChangeRequest.Status.RECORDED
    )
    change = ChangeRequest(
        system=system,
        kind=kind,
        title=title,
        description=description,
        is_material=is_material,
        requested_by=actor,
        status=status,
    )
    save_with_history(change, actor=actor, reason="Change requested")
    if is_material:
        change.status = reopen_for_material_change(actor=actor, system=system, change=change)
        save_with_history(
            system, actor=actor, reason=f"Material change {change.reference}: back to release"
        )
        notify_release_reopened(system, change)
    return change
