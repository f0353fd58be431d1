"""Writes of audit findings (ISO/IEC 42001 9.2, 10.2), with their rules: a finding is raised
on an audit that is running, against controls in the audit's scope; a nonconformity gets a
corrective action (aims CAPA) opened from it, and closes only once its corrective actions are
verified effective or closed. The audit itself is written by
:mod:`audits.internal_audits.services`."""

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from aims.capa import selectors as capa_selectors
from aims.capa import services as capa_services
from aims.errors import TransitionNotAllowed
from aims.history import save_with_history
from aims.models import CorrectiveAction
from aims.notifications.services import notify
from aims.people import display_name
from aims.permissions import require

from ..errors import Code
from ..models import (
    CatalogueItem,
    ChecklistItem,
    Finding,
    InternalAudit,
)
from .services import (
    CAPA_DONE,
    FINDING_FIELDS,
    WORKING,
    _unknown,
    items_in_scope,
)

User = get_user_model()
Status = InternalAudit.Status
Result = ChecklistItem.Result


def _check_controls(audit: InternalAudit, controls: list[CatalogueItem]) -> None:
    if not controls:
        return
    in_scope = {i.pk for i in items_in_scope(audit.controls.all())} | set(
        audit.controls.values_list("pk", flat=True)
    )
    outside = [c.code for c in controls if c.pk not in in_scope]
    if outside:
        raise ValidationError(
            {"controls": [f"Not in the scope of {audit.reference}: {', '.join(outside)}."]}
        )


@transaction.atomic
def finding_raise(
    *,
    actor,
    audit: InternalAudit,
    kind: str,
    title: str,
    description: str,
    controls: Iterable[CatalogueItem] = (),
    checklist_item: ChecklistItem | None = None,
) -> Finding:
    """Raise a finding on a running audit, optionally from one of its checklist items (whose
    control is then linked)."""
    require(
        actor,
        "audits.add_finding",
        message="Only the audit team raises findings.",
        code=Code.PERMISSION_DENIED,
    )
    audit = InternalAudit.objects.select_for_update().get(pk=audit.pk)
    if audit.status not in WORKING:
        raise TransitionNotAllowed(
            f"Findings are raised while the audit is in progress or reporting; "
            f"{audit.reference} is '{audit.get_status_display()}'.",
            code=Code.AUDIT_NOT_RUNNING,
        )
    controls = list(controls)
    if checklist_item is not None:
        if checklist_item.audit_id != audit.pk:
            raise ValidationError({"checklist_item": ["That item is not on this audit's list."]})
        if checklist_item.item not in controls:
            controls.append(checklist_item.item)
    _check_controls(audit, controls)
    finding = Finding(audit=audit, kind=kind, title=title, description=description)
    finding.raised_by = actor
    save_with_history(finding, actor=actor, reason=f"Finding raised in {audit.reference}")
    finding.controls.set(controls)
    return finding


def _require_open(finding: Finding) -> None:
    if finding.status == Finding.Status.CLOSED:
        raise TransitionNotAllowed(f"{finding.reference} is closed.", code=Code.FINDING_CLOSED)


# Who follows a finding through and by when: set by officers, also once the audit is closed
# (the follow-up outlives the audit), while the finding is open.
FOLLOW_UP_FIELDS = ("owner", "due_date")


def _check_follow_up(finding: Finding, changed: dict[str, Any]) -> None:
    """A new due date is today or later; a new owner is someone able to act on it."""
    from ..soa.assignments import able_to_act, field_refusal

    due = changed.get("due_date")
    if due is not None and due < timezone.localdate():
        raise field_refusal("due_date", "The due date cannot be in the past.", Code.DUE_DATE_PAST)
    owner = changed.get("owner")
    if owner is not None and not able_to_act(owner):
        raise field_refusal(
            "owner",
            f"{display_name(owner)} cannot act on findings (a disabled account, or a role "
            "that reads only).",
            Code.OWNER_CANNOT_ACT,
        )


def _changed(finding: Finding, data: dict[str, Any], controls: list | None) -> set[str]:
    names = {field for field, value in data.items() if getattr(finding, field) != value}
    if controls is not None and {c.pk for c in controls} != set(
        finding.controls.values_list("pk", flat=True)
    ):
        names.add("controls")
    return names


@transaction.atomic
def finding_update(*, actor, finding: Finding, data: dict[str, Any]) -> Finding:
    require(
        actor,
        "audits.change_finding",
        message="Only the audit team edits findings.",
        code=Code.PERMISSION_DENIED,
    )
    _unknown(data, (*FINDING_FIELDS, *FOLLOW_UP_FIELDS, "controls"))
    finding = Finding.objects.select_for_update().select_related("audit").get(pk=finding.pk)
    _require_open(finding)
    data = dict(data)
    controls = list(data.pop("controls")) if "controls" in data else None
    changed = _changed(finding, data, controls)
    if finding.audit.status == Status.CLOSED and changed - set(FOLLOW_UP_FIELDS):
        raise TransitionNotAllowed(
            "The audit is closed: its findings stand as reported (only the owner and due "
            "date change).",
            code=Code.AUDIT_CLOSED,
        )
    if (
        data.get("kind") in (Finding.Kind.OBSERVATION, Finding.Kind.OFI)
        and finding.is_nonconformity
        and capa_selectors.capas_of(source=finding).exists()
    ):
        raise TransitionNotAllowed(
            "This nonconformity already has a corrective action; it cannot be downgraded.",
            code=Code.HAS_CAPA,
        )
    _check_follow_up(finding, {f: data[f] for f in FOLLOW_UP_FIELDS if f in changed})
    new_owner = data.get("owner") if "owner" in changed else None
    for field, value in data.items():
        setattr(finding, field, value)
    if controls is not None:
        _check_controls(finding.audit, controls)
    save_with_history(
        finding, actor=actor, reason=f"Edited: {', '.join(sorted(changed)) or 'nothing'}"
    )
    if controls is not None:
        finding.controls.set(controls)
    if new_owner is not None:
        _tell_owner(finding, new_owner)
    return finding


def _tell_owner(finding: Finding, owner) -> None:
    due = f", due {finding.due_date:%d %b %Y}" if finding.due_date else ""
    notify(
        recipients=[owner],
        title=f"Finding {finding.reference} is yours to follow through{due}",
        body=f"{finding.get_kind_display()}: {finding.title}",
        link=finding.get_absolute_url(),
    )


def default_capa_text(finding: Finding) -> dict[str, str]:
    codes = ", ".join(c.code for c in finding.controls.all())
    where = f" (controls {codes})" if codes else ""
    return {
        "title": f"Correct {finding.reference}: {finding.title}"[:200],
        "nonconformity": (
            f"{finding.get_kind_display()} raised in internal audit {finding.audit.reference}"
            f"{where}: {finding.description}"
        ),
    }


@transaction.atomic
def finding_open_capa(
    *,
    actor,
    finding: Finding,
    owner,
    due_date: date,
    action_plan: str,
    title: str = "",
    nonconformity: str = "",
    root_cause: str = "",
) -> CorrectiveAction:
    """Open the corrective action a nonconformity needs (an aims CAPA whose source is the
    finding); title and nonconformity text default to the finding's."""
    finding = Finding.objects.select_related("audit").get(pk=finding.pk)
    _require_open(finding)
    if not finding.is_nonconformity:
        raise TransitionNotAllowed(
            f"A {finding.get_kind_display().lower()} needs no corrective action; only major "
            "and minor nonconformities do.",
            code=Code.NOT_A_NONCONFORMITY,
        )
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": ["The due date cannot be in the past."]})
    defaults = default_capa_text(finding)
    return capa_services.capa_create(
        actor=actor,
        source=finding,
        title=title.strip() or defaults["title"],
        nonconformity=nonconformity.strip() or defaults["nonconformity"],
        action_plan=action_plan,
        root_cause=root_cause,
        due_date=due_date,
        owner=owner,
    )


def finding_close_blockers(finding: Finding) -> list[str]:
    if not finding.is_nonconformity:
        return []
    capas = list(capa_selectors.capas_of(source=finding))
    if not capas:
        return ["Open a corrective action first: a nonconformity closes once it is corrected."]
    pending = [c.reference for c in capas if c.status not in CAPA_DONE]
    if pending:
        return [
            f"Corrective actions not yet verified effective: {', '.join(pending)}.",
        ]
    return []


@transaction.atomic
def finding_close(*, actor, finding: Finding) -> Finding:
    """Close a finding; a nonconformity only once its corrective actions are verified
    effective or closed."""
    require(
        actor,
        "audits.change_finding",
        message="Only the audit team closes findings.",
        code=Code.PERMISSION_DENIED,
    )
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    _require_open(finding)
    blockers = finding_close_blockers(finding)
    if blockers:
        raise TransitionNotAllowed(
            f"{finding.reference} cannot close yet: " + " ".join(blockers),
            code=Code.PREREQUISITES_MISSING,
            extra={"missing": blockers},
        )
    finding.status = Finding.Status.CLOSED
    finding.closed_at = timezone.now()
    save_with_history(finding, actor=actor, reason="Finding closed")
    return finding
