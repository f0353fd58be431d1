"""Writes of the ISO/IEC 27001 controls and their mappings to ISO/IEC 42001, with their rules.
Views, API and the demo call these; nothing else writes these records.

Rules kept here, once:

- a control's identifier, title and theme are reference data; the organisation edits whether
  it applies, how far it is implemented, its owner, how it is done and when it was reviewed;
- a mapping is proposed (by AIMS, or by an officer with a rationale and a source), then
  reviewed or rejected by an explicit action that records who and when. Only a reviewed
  mapping lets the control's evidence count for the 42001 item;
- four eyes: the person who proposed a mapping may not review it (an AIMS suggestion has no
  proposer, so any officer may review it). Rejecting needs a reason; a reviewed mapping may
  still be rejected (withdrawn), after which it counts for nothing; a rejected mapping is
  final, and the pair may be proposed again;
- one live (proposed or reviewed) mapping per pair of controls.
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from aims.errors import BusinessRuleError, RuleForbidden, TransitionNotAllowed
from aims.history import save_with_history
from aims.permissions import has_perm, require

from ..errors import Code
from ..models import CatalogueItem
from .models import ControlMapping, SecurityControl

Status = ControlMapping.Status
CHANGE_CONTROL = "audits.change_securitycontrol"
ADD_MAPPING = "audits.add_controlmapping"
REVIEW_MAPPING = "audits.review_controlmapping"
CONTROL_FIELDS = (
    "applicable",
    "implementation_status",
    "implementation_notes",
    "owner",
    "last_reviewed",
)
MAPPING_FIELDS = ("security_control", "item", "rationale", "source", "source_detail")


def can_edit_controls(user) -> bool:
    return has_perm(user, CHANGE_CONTROL)


def can_add_mappings(user) -> bool:
    return has_perm(user, ADD_MAPPING)


@transaction.atomic
def control_update(*, actor, control: SecurityControl, data: dict[str, Any]) -> SecurityControl:
    """Change the organisation's fields of one 27001 control (others in ``data`` are ignored)."""
    require(actor, CHANGE_CONTROL)
    control = SecurityControl.objects.select_for_update().get(pk=control.pk)
    for field in CONTROL_FIELDS:
        if field in data:
            setattr(control, field, data[field])
    return save_with_history(control, actor=actor, reason="ISO/IEC 27001 control updated")


def duplicate_of(security_control: SecurityControl, item: CatalogueItem) -> ControlMapping | None:
    """The live (proposed or reviewed) mapping of this pair, if there is one."""
    return (
        ControlMapping.objects.filter(security_control=security_control, item=item)
        .exclude(status=Status.REJECTED)
        .first()
    )


@transaction.atomic
def mapping_create(
    *,
    actor,
    security_control: SecurityControl,
    item: CatalogueItem,
    rationale: str,
    source: str,
    source_detail: str = "",
) -> ControlMapping:
    """Propose that ``security_control`` supports ``item``; counts for nothing until reviewed."""
    require(actor, ADD_MAPPING)
    if source == ControlMapping.Source.SUGGESTED:
        raise ValidationError({"source": "Only the mappings AIMS ships are marked as suggested."})
    existing = duplicate_of(security_control, item)
    if existing is not None:
        raise ValidationError(
            {
                "item": (
                    f"ISO/IEC 27001 {security_control.code} is already mapped to "
                    f"{item.code} ({existing.get_status_display().lower()})."
                )
            },
            code=Code.MAPPING_DUPLICATE,
        )
    mapping = ControlMapping(
        security_control=security_control,
        item=item,
        rationale=rationale,
        source=source,
        source_detail=source_detail,
        proposed_by=actor,
    )
    return save_with_history(mapping, actor=actor, reason="Mapping proposed")


def _decided(mapping: ControlMapping) -> str:
    who = mapping.reviewed_by.get_full_name() or mapping.reviewed_by.get_username()
    when = timezone.localtime(mapping.reviewed_at).strftime("%d %b %Y")
    return f"{who} on {when}"


def review_refusal(*, actor, mapping: ControlMapping) -> BusinessRuleError | None:
    """Why ``actor`` may not review ``mapping`` now, or None. The service raises it; pages and
    the API call it to decide whether to offer the action."""
    if not has_perm(actor, REVIEW_MAPPING):
        return RuleForbidden(
            "Only a governance officer reviews mappings.", code=Code.PERMISSION_DENIED
        )
    if mapping.status == Status.REVIEWED:
        return TransitionNotAllowed(
            f"This mapping was already reviewed by {_decided(mapping)}.",
            code=Code.MAPPING_DECIDED,
        )
    if mapping.status == Status.REJECTED:
        return TransitionNotAllowed(
            "This mapping was rejected; propose the pair again to have it reviewed.",
            code=Code.MAPPING_DECIDED,
        )
    if mapping.proposed_by_id is not None and mapping.proposed_by_id == actor.pk:
        return RuleForbidden(
            "You proposed this mapping: another officer reviews it.",
            code=Code.SEGREGATION_OF_DUTIES,
        )
    return None


def reject_refusal(*, actor, mapping: ControlMapping) -> BusinessRuleError | None:
    """Why ``actor`` may not reject ``mapping`` now, or None."""
    if not has_perm(actor, REVIEW_MAPPING):
        return RuleForbidden(
            "Only a governance officer rejects mappings.", code=Code.PERMISSION_DENIED
        )
    if mapping.status == Status.REJECTED:
        return TransitionNotAllowed("This mapping is already rejected.", code=Code.MAPPING_DECIDED)
    return None


def _locked(mapping: ControlMapping) -> ControlMapping:
    return (
        ControlMapping.objects.select_for_update(of=("self",))
        .select_related("security_control", "item", "reviewed_by")
        .get(pk=mapping.pk)
    )


@transaction.atomic
def mapping_review(*, actor, mapping: ControlMapping, note: str = "") -> ControlMapping:
    """Confirm the mapping: from now on the control's evidence counts for the 42001 item."""
    mapping = _locked(mapping)
    refusal = review_refusal(actor=actor, mapping=mapping)
    if refusal is not None:
        raise refusal
    mapping.status = Status.REVIEWED
    mapping.reviewed_by = actor
    mapping.reviewed_at = timezone.now()
    mapping.decision_note = note.strip()
    return save_with_history(mapping, actor=actor, reason="Mapping reviewed")


@transaction.atomic
def mapping_reject(*, actor, mapping: ControlMapping, reason: str) -> ControlMapping:
    """Reject (or withdraw a reviewed) mapping, with the reason; it then counts for nothing."""
    mapping = _locked(mapping)
    refusal = reject_refusal(actor=actor, mapping=mapping)
    if refusal is not None:
        raise refusal
    if not reason.strip():
        raise ValidationError({"reason": "Say why the mapping is rejected."})
    mapping.status = Status.REJECTED
    mapping.reviewed_by = actor
    mapping.reviewed_at = timezone.now()
    mapping.decision_note = reason.strip()
    return save_with_history(mapping, actor=actor, reason="Mapping rejected")
