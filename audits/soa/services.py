"""Writes and reads of the Statement of Applicability (SoA).

- ``statement_update``: an officer edits a requirement's or control's statement. An Annex A
  control may be excluded only with a justification; clause requirements are mandatory.
- ``soa_version_approve``: snapshot every Annex A control statement into a numbered,
  approved SoA version.
- ``soa_compare``: field-level differences between two snapshots (or a snapshot and the
  live SoA), with rows added and removed.
- ``soa_csv_rows``: the SoA (live or a version) as CSV-ready rows.
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from aims.errors import RuleForbidden
from aims.history import save_with_history, stamp
from aims.models import Evidence
from aims.permissions import has_global_perm

from ..errors import Code
from ..models import CatalogueItem, ControlStatement, SoAVersion

User = get_user_model()
Implementation = ControlStatement.Implementation

CHANGE_PERM = "audits.change_controlstatement"
APPROVE_PERM = "audits.approve_soaversion"
SCALAR_FIELDS = (
    "applicable",
    "justification",
    "implementation_status",
    "implementation_notes",
    "owner",
)
RELATION_FIELDS = ("systems", "risks")
RELATION_LABELS = {"systems": "AI systems", "risks": "Risks"}
EDITABLE_FIELDS = SCALAR_FIELDS + RELATION_FIELDS


def can_edit_statements(user) -> bool:
    """Officers edit the SoA; auditors, approvers and owners only read it."""
    return has_global_perm(user, CHANGE_PERM)


def can_approve_versions(user) -> bool:
    return has_global_perm(user, APPROVE_PERM)


# --- Editing a statement --------------------------------------------------------------------


def _check_statement(statement: ControlStatement) -> None:
    errors: dict[str, list[str]] = {}
    if not statement.applicable:
        if statement.item.kind != CatalogueItem.Kind.CONTROL:
            errors["applicable"] = [
                "Clause requirements (4 to 10) are mandatory for certification: only Annex A "
                "controls may be excluded."
            ]
        elif not statement.justification.strip():
            errors["justification"] = [
                "Say why this control is excluded: an exclusion needs a justification."
            ]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def statement_update(
    *, actor, statement: ControlStatement, data: dict[str, Any], reason: str = ""
) -> ControlStatement:
    """Change a statement's applicability, justification, status, notes, owner, linked
    systems and risks. ``data`` holds only the fields to change."""
    if not can_edit_statements(actor):
        raise RuleForbidden(
            "Only governance officers change the Statement of Applicability.",
            code=Code.PERMISSION_DENIED,
        )
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({key: ["This field cannot be changed here."] for key in unknown})
    statement = (
        ControlStatement.objects.select_for_update().select_related("item").get(pk=statement.pk)
    )
    before = {field: getattr(statement, field) for field in SCALAR_FIELDS}
    for field in SCALAR_FIELDS:
        if field in data:
            setattr(statement, field, data[field])
    statement.justification = (statement.justification or "").strip()
    _check_statement(statement)
    edited = any(getattr(statement, field) != value for field, value in before.items())
    relinked = [
        field
        for field in RELATION_FIELDS
        if field in data
        and _ids(data[field]) != set(getattr(statement, field).values_list("pk", flat=True))
    ]
    if not edited and not relinked:
        return statement
    why = reason or _reason(statement, before, edited, relinked)
    # Stamped before the relations change: their history rows name this actor and reason.
    if edited:
        save_with_history(statement, actor=actor, reason=why)
    else:
        stamp(statement, actor=actor, reason=why)
    for field in relinked:
        getattr(statement, field).set(data[field])
    return statement


def _ids(values: Iterable[Any]) -> set[int]:
    return {getattr(value, "pk", value) for value in values}


def _reason(
    statement: ControlStatement, before: dict[str, Any], edited: bool, relinked: list[str]
) -> str:
    code = statement.item.code
    reasons = [_edit_reason(statement, before)] if edited else []
    if relinked:
        names = " and ".join(RELATION_LABELS[field] for field in relinked)
        reasons.append(f"{names} linked to {code} changed")
    return "; ".join(reasons)


def _edit_reason(statement: ControlStatement, before: dict[str, Any]) -> str:
    code = statement.item.code
    if before["applicable"] and not statement.applicable:
        return f"{code} excluded from the SoA"
    if statement.applicable and not before["applicable"]:
        return f"{code} included in the SoA"
    if before["implementation_status"] != statement.implementation_status:
        return f"{code} marked {statement.get_implementation_status_display().lower()}"
    return f"Statement of {code} edited"


# --- Snapshots and versions ------------------------------------------------------------------


def current_evidence(statement_ids: Iterable[int] | None = None) -> QuerySet[Evidence]:
    """Current (not superseded) evidence on statements, oldest first."""
    qs = Evidence.objects.filter(
        target_type=ContentType.objects.get_for_model(ControlStatement),
        superseded_at__isnull=True,
    )
    if statement_ids is not None:
        qs = qs.filter(target_id__in=list(statement_ids))
    return qs.order_by("created_at", "id")


def annex_statements() -> QuerySet[ControlStatement]:
    return (
        ControlStatement.objects.filter(item__kind=CatalogueItem.Kind.CONTROL)
        .select_related("item", "owner")
        .prefetch_related("systems", "risks")
        .order_by("item__sort_key")
    )


def soa_rows() -> list[dict[str, Any]]:
    """The live SoA: one row per Annex A control, in catalogue order (four queries)."""
    statements = list(annex_statements())
    evidence: dict[int, list[str]] = {}
    for target_id, pk in current_evidence(s.pk for s in statements).values_list("target_id", "pk"):
        evidence.setdefault(target_id, []).append(Evidence(pk=pk).reference)
    return [
        {
            "code": s.item.code,
            "title": s.item.title,
            "applicable": s.applicable,
            "justification": s.justification,
            "implementation_status": s.implementation_status,
            "implementation_notes": s.implementation_notes,
            "owner": s.owner.get_username() if s.owner else "",
            "evidence": evidence.get(s.pk, []),
            "systems": sorted(system.reference for system in s.systems.all()),
            "risks": sorted(risk.reference for risk in s.risks.all()),
        }
        for s in statements
    ]


def own_changes(actor, since: SoAVersion | None) -> list[str]:
    """Codes of the Annex A statements ``actor`` changed after ``since`` (all time if None):
    an edit, a system or risk linked or unlinked (the statement's own history), and evidence
    attached, replaced or removed (the evidence's history, whose target is the statement)."""
    statements = ControlStatement.history.filter(history_user=actor)
    evidence = Evidence.history.filter(
        history_user=actor, target_type=ContentType.objects.get_for_model(ControlStatement)
    )
    if since is not None:
        statements = statements.filter(history_date__gt=since.approved_at)
        evidence = evidence.filter(history_date__gt=since.approved_at)
    return sorted(
        set(
            CatalogueItem.objects.filter(kind=CatalogueItem.Kind.CONTROL)
            .filter(
                Q(statement__id__in=statements.values("id"))
                | Q(statement__id__in=evidence.values("target_id"))
            )
            .values_list("code", flat=True)
        )
    )


def own_changes_refusal(actor, latest: SoAVersion | None) -> RuleForbidden | None:
    """Segregation of duties: nobody signs off their own changes to the SoA. Whoever changed an
    Annex A statement since the last approved version leaves the approval to someone else.
    The service raises this; the approve page shows it before anyone fills in the form."""
    codes = own_changes(actor, latest)
    if not codes:
        return None
    shown = ", ".join(codes[:5]) + (" and others" if len(codes) > 5 else "")
    since = f"since version {latest.number}" if latest else "before its first version"
    return RuleForbidden(
        f"You changed the SoA {since} ({shown}); another governance officer or an "
        "approver approves it, so nobody signs off their own changes.",
        code=Code.SEGREGATION_OF_DUTIES,
        extra={"controls": codes},
    )


@transaction.atomic
def soa_version_approve(*, actor, note: str = "") -> SoAVersion:
    """Approve the live SoA as the next numbered version (a snapshot of every control)."""
    if not can_approve_versions(actor):
        raise RuleForbidden(
            "Only governance officers and approvers approve SoA versions.",
            code=Code.PERMISSION_DENIED,
        )
    # Lock the newest version so two approvals never take the same number.
    latest = SoAVersion.objects.select_for_update().order_by("-number").first()
    refusal = own_changes_refusal(actor, latest)
    if refusal is not None:
        raise refusal
    number = (SoAVersion.objects.aggregate(top=Max("number"))["top"] or 0) + 1
    version = SoAVersion(
        number=number,
        note=note.strip(),
        rows=soa_rows(),
        approved_by=actor,
        approved_at=timezone.now(),
    )
    return save_with_history(version, actor=actor, reason=f"SoA version {number} approved")


# --- Comparing -------------------------------------------------------------------------------

COMPARED_FIELDS = (
    ("title", "Title"),
    ("applicable", "Applicable"),
    ("justification", "Justification"),
    ("implementation_status", "Implementation"),
    ("implementation_notes", "How it is implemented"),
    ("owner", "Owner"),
    ("evidence", "Evidence"),
    ("systems", "AI systems"),
    ("risks", "Risks"),
)
STATUS_LABELS = dict(Implementation.choices)


def display(field: str, value: Any) -> str:
    """A snapshot value as people read it."""
    if field == "applicable":
        return "Yes" if value else "No (excluded)"
    if field == "implementation_status":
        return STATUS_LABELS.get(value, value or "")
    if isinstance(value, list):
        return ", ".join(value)
    return "" if value is None else str(value)


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    before: str
    after: str


@dataclass(frozen=True)
class RowChange:
    code: str
    title: str
    changes: list[FieldChange]


@dataclass(frozen=True)
class Comparison:
    changed: list[RowChange]
    added: list[dict]
    removed: list[dict]

    @property
    def is_empty(self) -> bool:
        return not (self.changed or self.added or self.removed)


def soa_compare(before: list[dict], after: list[dict]) -> Comparison:
    """What changed from ``before`` to ``after`` (two lists of SoA rows), row by row."""
    old = {row["code"]: row for row in before}
    new = {row["code"]: row for row in after}
    changed = []
    for code, row in new.items():
        if code not in old:
            continue
        changes = [
            FieldChange(
                field, label, display(field, old[code].get(field)), display(field, row.get(field))
            )
            for field, label in COMPARED_FIELDS
            if old[code].get(field) != row.get(field)
        ]
        if changes:
            changed.append(RowChange(code, row.get("title", ""), changes))
    return Comparison(
        changed=changed,
        added=[row for code, row in new.items() if code not in old],
        removed=[row for code, row in old.items() if code not in new],
    )


# --- CSV -------------------------------------------------------------------------------------

CSV_COLUMNS = (
    ("Control", "code"),
    ("Title", "title"),
    ("Applicable", "applicable"),
    ("Justification", "justification"),
    ("Implementation", "implementation_status"),
    ("How it is implemented", "implementation_notes"),
    ("Owner", "owner"),
    ("Evidence", "evidence"),
    ("AI systems", "systems"),
    ("Risks", "risks"),
)


def soa_csv_rows(rows: list[dict]) -> Iterator[list[str]]:
    """Header, then one list of display strings per SoA row (not yet formula-safe)."""
    yield [label for label, _ in CSV_COLUMNS]
    for row in rows:
        yield [_csv_value(field, row.get(field)) for _, field in CSV_COLUMNS]


def _csv_value(field: str, value: Any) -> str:
    if field == "applicable":
        return "Yes" if value else "No"
    return display(field, value)
