"""Working the readiness gaps: who fixes a gap, by when, and how far they got.

Gaps are computed on the fly (:mod:`.gaps`); an assignment (``GapAssignment``) is keyed by the
gap's kind and record, so the same gap finds its assignment again on every computation.

Rules, each a predicate beside the service that enforces it (views, API and templates ask
the same predicate what to offer):

- :func:`can_assign_gap`: governance officers assign (owner, due date, note);
- :func:`can_update_gap`: the assignee updates the status and note of their own gap, and an
  officer updates any; auditors, approvers and owners of other gaps read only;
- :func:`owner_refusal`: a gap goes to someone able to act on it: an active account in a
  role that writes (not an auditor alone), who sees the gap;
- a due date is today or later; resolving or accepting a gap takes a note saying how.

The register's rows (:class:`GapRow`: a gap joined with its assignment) are read by
:func:`gap_rows`, restricted to the gaps the user sees, with one query for the assignments.
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from aims.errors import BusinessRuleError, RuleForbidden
from aims.history import save_with_history
from aims.notifications.services import notify
from aims.people import display_name
from aims.permissions import has_global_perm
from aims.roles import APPROVER, OFFICER, OWNER

from ..errors import Code
from ..models import GapAssignment
from . import gaps
from .gaps import (
    HIGH,
    KINDS,
    SEVERITY_LABELS,
    SEVERITY_ORDER,
    Gap,
    Segment,
    gap_list,
    gap_segments,
    gap_summary,
)

Status = GapAssignment.Status
ASSIGN_PERM = "audits.change_gapassignment"
VIEW_PERM = "audits.view_gapassignment"
# The roles whose members act on records; an auditor reads only.
ACTING_ROLES = (OFFICER, APPROVER, OWNER)
DONE = (Status.RESOLVED, Status.ACCEPTED)
UNASSIGNED = "unassigned"
# The register's sortable columns (URL key -> GapRow attribute), for the page and the API.
SORTABLE = {
    "severity": "severity_rank",
    "record": "record",
    "kind": "kind_label",
    "owner": "owner_name",
    "due": "due_date",
    "status": "status_label",
}


class GapNotFound(BusinessRuleError):
    """The gap named does not exist (any more), or not for this user (HTTP 404)."""

    status_code = 404
    default_code = Code.UNKNOWN_GAP


def field_refusal(field: str, message: str, code: str) -> BusinessRuleError:
    """A refusal about one input: its code and words, and the field it concerns, so the
    browser puts it under the field and the API lists it under ``extra.fields``."""
    return BusinessRuleError(message, code=code, extra={"fields": {field: [message]}})


def gap_key(kind: str, record: str) -> str:
    return f"{kind}:{record}"


def gap_url(kind: str, record: str) -> str:
    return reverse("soa:gap_detail", args=[kind, record])


# --- Predicates -----------------------------------------------------------------------------


def can_assign_gap(user: AbstractBaseUser) -> bool:
    """Governance officers assign readiness gaps (and change any assignment)."""
    return has_global_perm(user, ASSIGN_PERM)


def can_update_gap(user: AbstractBaseUser, assignment: GapAssignment | None) -> bool:
    """The assignee updates the status and note of their own gap; an officer any gap."""
    if assignment is None or not user.is_authenticated:
        return False
    if can_assign_gap(user):
        return True
    return assignment.owner_id == user.pk and able_to_act(user)


def able_to_act(user: AbstractBaseUser) -> bool:
    """An active account in a role that writes (an auditor alone reads only)."""
    if not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=ACTING_ROLES).exists()


def owner_refusal(owner: AbstractBaseUser, kind: str, record: str, today: date) -> str:
    """Why ``owner`` cannot take this gap ("" when they can)."""
    name = display_name(owner)
    if not owner.is_active:
        return f"{name}'s account is disabled: choose someone who can act on the gap."
    if not able_to_act(owner):
        return f"{name} holds no role that acts on records (auditors read only)."
    if find_gap(user=owner, kind=kind, record=record, today=today) is None:
        return f"{name} cannot see this gap's record: choose someone who can act on it."
    return ""


# --- Reads ----------------------------------------------------------------------------------


def find_gap(*, user, kind: str, record: str, today: date | None = None) -> Gap | None:
    """The gap of that kind on that record, if ``user`` sees it today."""
    if kind not in KINDS:
        return None
    return gaps.find_gap(user=user, kind=kind, record=record, today=today)


def assignment_of(kind: str, record: str) -> GapAssignment | None:
    return GapAssignment.objects.select_related("owner").filter(kind=kind, record=record).first()


@dataclass(frozen=True)
class GapRow:
    """A gap joined with its assignment (None while unassigned): one row of the register."""

    gap: Gap
    assignment: GapAssignment | None
    today: date

    def __getattr__(self, name: str) -> Any:  # kind, severity, record, message, action, url
        if name.startswith("__") or name == "gap":  # copy/pickle probe an empty instance
            raise AttributeError(name)
        return getattr(self.gap, name)

    @property
    def key(self) -> str:
        return gap_key(self.gap.kind, self.gap.record)

    @property
    def detail_url(self) -> str:
        return gap_url(self.gap.kind, self.gap.record)

    @property
    def severity_rank(self) -> int:
        return SEVERITY_ORDER[self.gap.severity]

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.gap.severity]

    @property
    def owner(self):
        return self.assignment.owner if self.assignment else None

    @property
    def owner_id(self) -> int | None:
        return self.assignment.owner_id if self.assignment else None

    @property
    def owner_name(self) -> str:
        return display_name(self.owner)

    @property
    def due_date(self) -> date | None:
        return self.assignment.due_date if self.assignment else None

    @property
    def status(self) -> str:
        return self.assignment.status if self.assignment else UNASSIGNED

    @property
    def status_label(self) -> str:
        return self.assignment.get_status_display() if self.assignment else "Not assigned"

    @property
    def note(self) -> str:
        return self.assignment.note if self.assignment else ""

    @property
    def overdue(self) -> bool:
        a = self.assignment
        return a is not None and a.status not in DONE and a.due_date < self.today


def _matches(row: GapRow, filters: dict[str, Any]) -> bool:
    text = (filters.get("q") or "").strip().lower()
    if text and not any(
        text in value.lower()
        for value in (row.record, row.message, row.kind_label, row.action, row.owner_name)
    ):
        return False
    if filters.get("kind") and row.kind != filters["kind"]:
        return False
    if filters.get("severity") and row.severity != filters["severity"]:
        return False
    owner = filters.get("owner")
    if owner and (row.assignment is None or row.assignment.owner_id != owner.pk):
        return False
    if filters.get("status") and row.status != filters["status"]:
        return False
    if filters.get("overdue") and not row.overdue:
        return False
    return not (filters.get("unassigned") and row.assignment is not None)


def gap_rows(
    *, user, filters: dict[str, Any] | None = None, today: date | None = None
) -> list[GapRow]:
    """The gaps ``user`` sees, each with its assignment, filtered by ``filters`` (q, kind,
    severity, owner, status, overdue, unassigned). One query for the assignments."""
    today = today or timezone.localdate()
    found = gap_list(user=user, today=today)
    records = {g.record for g in found}
    assignments = {
        a.key: a for a in GapAssignment.objects.filter(record__in=records).select_related("owner")
    }
    rows = [GapRow(g, assignments.get(gap_key(g.kind, g.record)), today) for g in found]
    return [row for row in rows if _matches(row, filters or {})]


def with_assignments(found: list[Gap], today: date) -> list[GapRow]:
    """``found`` as register rows, each with its assignment: one query."""
    records = {g.record for g in found}
    if not records:
        return []
    assignments = {
        a.key: a for a in GapAssignment.objects.filter(record__in=records).select_related("owner")
    }
    return [GapRow(g, assignments.get(gap_key(g.kind, g.record)), today) for g in found]


#: The register's filters a page can be cut by in SQL (they pick whole segments); any other
#: filter reads the whole list (:func:`gap_rows`).
SEGMENT_FILTERS = ("kind", "severity")
#: Rows joined with their assignments per query while the whole register is streamed.
STREAM_CHUNK = 500


class GapRegister(Sequence):
    """The register's rows in its default order (by severity, ``descending`` reversed; ties
    in the list's order), read a page at a time: its length is the segments' ``COUNT``s and
    a slice reads only the segments it spans, each with ``LIMIT``/``OFFSET``, then the page's
    assignments in one query. So a page costs a fixed number of queries and reads its own
    rows, whatever the number of risks, systems or suppliers behind the gaps."""

    def __init__(self, segments: list[Segment], today: date, descending: bool = False) -> None:
        key = (lambda s: -SEVERITY_ORDER[s.severity]) if descending else None
        self.segments = sorted(segments, key=key) if key else segments
        self.today = today

    @cached_property
    def counts(self) -> list[int]:
        return [s.count() for s in self.segments]

    def __len__(self) -> int:
        return sum(self.counts)

    def __getitem__(self, index):
        if isinstance(index, int):
            index = index + len(self) if index < 0 else index
            found = self[index : index + 1]
            if not found:
                raise IndexError(index)
            return found[0]
        start, stop, _step = index.indices(len(self))
        found: list[Gap] = []
        offset = 0
        for segment, count in zip(self.segments, self.counts, strict=True):
            low, high = max(start - offset, 0), min(stop - offset, count)
            if low < high:
                found += segment.window(low, high)
            offset += count
            if offset >= stop:
                break
        return with_assignments(found, self.today)

    def __iter__(self) -> Iterator[GapRow]:
        """Every row (the export), segment by segment, assignments read per chunk."""
        for segment in self.segments:
            found = segment.take(None)
            for first in range(0, len(found), STREAM_CHUNK):
                yield from with_assignments(found[first : first + STREAM_CHUNK], self.today)


def gap_register(
    *, user, filters: dict[str, Any] | None = None, sort: str = "severity", today=None
) -> GapRegister | None:
    """The register read a page at a time (:class:`GapRegister`) when the filters and the
    sort allow it (kind, severity; sorted by severity); None when they need every row read
    (a search, an assignment filter, another sort: :func:`gap_rows`)."""
    filters = filters or {}
    if sort.removeprefix("-") != "severity":
        return None
    if any(value for key, value in filters.items() if key not in SEGMENT_FILTERS):
        return None
    today = today or timezone.localdate()
    kind, severity = filters.get("kind"), filters.get("severity")
    segments = [
        s
        for s in gap_segments(user=user, today=today)
        if (not kind or s.kind == kind) and (not severity or s.severity == severity)
    ]
    return GapRegister(segments, today, descending=sort.startswith("-"))


@dataclass(frozen=True)
class GapOverview:
    """The readiness page's view of the register: its first rows and its figures, read in
    a fixed number of queries whatever the size of the organisation."""

    top: list[GapRow]
    figures: dict[str, int]  # total, high, traced, not_ready, unassigned, overdue


def gap_overview(*, user, top: int, today: date | None = None, state=None) -> GapOverview:
    """The first ``top`` rows of the register (unfiltered, in the register's order) and its
    figures: the same numbers :func:`gap_rows` would give, counted in SQL. Assignments are
    matched to the gaps the user sees kind by kind (one query per kind that has any)."""
    today = today or timezone.localdate()
    summary = gap_summary(user=user, top=top, today=today, state=state)
    assigned: dict[str, set[str]] = {}
    late: dict[str, set[str]] = {}
    for kind, record, status, due_date in GapAssignment.objects.values_list(
        "kind", "record", "status", "due_date"
    ):
        assigned.setdefault(kind, set()).add(record)
        if status not in DONE and due_date < today:
            late.setdefault(kind, set()).add(record)
    with_assignment = overdue = 0
    for segment, count in zip(summary.segments, summary.counts, strict=True):
        if count and assigned.get(segment.kind):
            with_assignment += segment.count_among(assigned[segment.kind])
        if count and late.get(segment.kind):
            overdue += segment.count_among(late[segment.kind])
    return GapOverview(
        top=with_assignments(summary.top, today),
        figures={
            "total": summary.total,
            "high": summary.by_severity[HIGH],
            "traced": summary.traced,
            "not_ready": summary.not_ready,
            "unassigned": summary.total - with_assignment,
            "overdue": overdue,
        },
    )


def row_of(*, user, kind: str, record: str, today: date | None = None) -> GapRow | None:
    today = today or timezone.localdate()
    gap = find_gap(user=user, kind=kind, record=record, today=today)
    return None if gap is None else GapRow(gap, assignment_of(kind, record), today)


# --- Writes ---------------------------------------------------------------------------------


@transaction.atomic
def gap_assign(
    *,
    actor,
    kind: str,
    record: str,
    owner,
    due_date: date,
    note: str | None = None,
    today: date | None = None,
) -> GapAssignment:
    """Assign a gap the officer sees to ``owner``, due on ``due_date``; reassigning keeps the
    work's status unless the gap was closed (it is back, so it reopens). The owner is told."""
    if not can_assign_gap(actor):
        raise RuleForbidden(
            "Only governance officers assign readiness gaps.", code=Code.PERMISSION_DENIED
        )
    today = today or timezone.localdate()
    gap = find_gap(user=actor, kind=kind, record=record, today=today)
    if gap is None:
        raise GapNotFound(f"There is no gap '{KINDS.get(kind, kind)}' on {record} today.")
    if due_date < today:
        raise field_refusal("due_date", "The due date cannot be in the past.", Code.DUE_DATE_PAST)
    refusal = owner_refusal(owner, kind, record, today)
    if refusal:
        raise field_refusal("owner", refusal, Code.OWNER_CANNOT_ACT)
    assignment = GapAssignment.objects.select_for_update().filter(kind=kind, record=record).first()
    is_new = assignment is None
    if is_new:
        assignment = GapAssignment(kind=kind, record=record)
        assignment.assigned_by = actor
    previous_owner = None if is_new else assignment.owner_id
    assignment.owner, assignment.due_date = owner, due_date
    if note is not None:
        assignment.note = note
    if assignment.status in DONE:
        assignment.status = Status.OPEN
    assignment.assigned_by = actor
    save_with_history(
        assignment,
        actor=actor,
        reason=f"Assigned to {display_name(owner)}, due {due_date:%Y-%m-%d}",
    )
    if previous_owner != owner.pk:
        notify(
            recipients=[owner],
            title=f"Readiness gap assigned to you: {record}, due {due_date:%d %b %Y}",
            body=f"{gap.kind_label}. {gap.message} Next: {gap.action}",
            link=gap_url(kind, record),
        )
    return assignment


@transaction.atomic
def gap_update(*, actor, assignment: GapAssignment, status: str, note: str) -> GapAssignment:
    """The assignee (or an officer) records how far the work is; a resolved or accepted gap
    says how in its note."""
    if not can_update_gap(actor, assignment):
        raise RuleForbidden(
            "Only the person the gap is assigned to, or a governance officer, updates it.",
            code=Code.PERMISSION_DENIED,
        )
    if status not in Status.values:
        raise field_refusal("status", "Choose a status.", Code.INVALID)
    note = (note or "").strip()
    if status in DONE and not note:
        raise field_refusal(
            "note",
            "Say in the note how the gap was resolved, or why it is accepted as is.",
            Code.NOTE_REQUIRED,
        )
    assignment = GapAssignment.objects.select_for_update().get(pk=assignment.pk)
    assignment.status, assignment.note = status, note
    save_with_history(
        assignment, actor=actor, reason=f"Status: {assignment.get_status_display().lower()}"
    )
    return assignment
