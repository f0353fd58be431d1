"""Permission-restricted reads of audit programmes, internal audits, checklists, findings and
management reviews, filtered in SQL with their related rows loaded up front.

These records belong to the AIMS as a whole, not to one system: whoever holds the view
permission through a role (officers, approvers, auditors) sees all of them; anyone else sees
none, and a record asked for by id is a 404.
"""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from aims.models import parse_reference

from ..models import (
    AuditProgramme,
    ChecklistItem,
    Finding,
    InternalAudit,
)


def visible_to_roles(model, user: AbstractBaseUser) -> QuerySet:
    """Every row of ``model`` for a role holding its view permission, none for anyone else
    (the rule of every audit record, reviews included)."""
    return model.objects.restrict(user)


def visible_findings(user: AbstractBaseUser) -> QuerySet[Finding]:
    """The findings ``user`` may view (the corrective-action register uses it)."""
    return visible_to_roles(Finding, user)


def search_by_reference(qs: QuerySet, prefix: str, text: str, field: str = "title") -> QuerySet:
    """The row whose reference (``<prefix>-0001``) is ``text``, or those whose ``field``
    contains it."""
    text = (text or "").strip()
    if not text:
        return qs
    pk = parse_reference(prefix, text)
    return qs.filter(Q(pk=pk) if pk else Q(**{f"{field}__icontains": text}))


# --- Programmes and audits ------------------------------------------------------------------


def programme_list(*, user: AbstractBaseUser) -> QuerySet[AuditProgramme]:
    return (
        visible_to_roles(AuditProgramme, user)
        .select_related("owner")
        .annotate(
            audit_count=Count("audits", distinct=True),
            closed_count=Count(
                "audits", filter=Q(audits__status=InternalAudit.Status.CLOSED), distinct=True
            ),
        )
        .order_by("-period_start", "id")
    )


def programme_get(*, user: AbstractBaseUser, pk: int) -> AuditProgramme:
    return programme_list(user=user).get(pk=pk)


def audit_list(
    *, user: AbstractBaseUser, filters: dict[str, Any] | None = None
) -> QuerySet[InternalAudit]:
    filters = filters or {}
    qs = (
        visible_to_roles(InternalAudit, user)
        .select_related("programme", "lead_auditor")
        .annotate(
            checklist_count=Count("checklist", distinct=True),
            assessed_count=Count(
                "checklist",
                filter=~Q(checklist__result=ChecklistItem.Result.NOT_ASSESSED),
                distinct=True,
            ),
            open_findings=Count(
                "findings", filter=Q(findings__status=Finding.Status.OPEN), distinct=True
            ),
        )
    )
    qs = search_by_reference(qs, InternalAudit.REFERENCE_PREFIX, filters.get("q", ""))
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("programme"):
        qs = qs.filter(programme=filters["programme"])
    if filters.get("lead"):
        qs = qs.filter(lead_auditor=filters["lead"])
    return qs.order_by("-planned_start", "-id")


def audit_get(*, user: AbstractBaseUser, pk: int) -> InternalAudit:
    return (
        visible_to_roles(InternalAudit, user)
        .select_related("programme", "lead_auditor")
        .prefetch_related("team", "systems__owner", "controls")
        .get(pk=pk)
    )


def checklist_of(*, audit: InternalAudit) -> QuerySet[ChecklistItem]:
    return audit.checklist.select_related("item", "assessed_by").order_by("item__sort_key")


def checklist_item_list(
    *, user: AbstractBaseUser, filters: dict[str, Any] | None = None
) -> QuerySet[ChecklistItem]:
    filters = filters or {}
    qs = visible_to_roles(ChecklistItem, user).select_related("item", "audit", "assessed_by")
    if filters.get("audit"):
        qs = qs.filter(audit=filters["audit"])
    if filters.get("result"):
        qs = qs.filter(result=filters["result"])
    return qs.order_by("audit_id", "item__sort_key")


def checklist_result_counts(*, audit: InternalAudit) -> dict[str, int]:
    rows = audit.checklist.order_by().values_list("result").annotate(n=Count("id"))
    counts = dict.fromkeys(ChecklistItem.Result.values, 0)
    counts.update(dict(rows))
    return counts


# --- Findings -------------------------------------------------------------------------------


# The findings register's sortable columns (URL key -> model field).
FINDING_SORTABLE = {
    "reference": "id",
    "title": "title",
    "kind": "kind",
    "audit": "audit_id",
    "owner": "owner__username",
    "due": "due_date",
    "status": "status",
    "raised": "created_at",
}


def finding_list(
    *, user: AbstractBaseUser, filters: dict[str, Any] | None = None
) -> QuerySet[Finding]:
    """The findings ``user`` sees, filtered by q (reference or title), audit, kind, status,
    owner and overdue (open, with a due date before today)."""
    filters = filters or {}
    qs = (
        visible_findings(user)
        .select_related("audit", "raised_by", "owner")
        .prefetch_related("controls")
    )
    qs = search_by_reference(qs, Finding.REFERENCE_PREFIX, filters.get("q", ""))
    for key in ("audit", "kind", "status", "owner"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("overdue"):
        qs = qs.filter(Finding.overdue_q(timezone.localdate()))
    return qs.order_by("-created_at", "-id")


def finding_control_codes(finding_ids: list[int]) -> dict[int, list[str]]:
    """The codes of each finding's controls, in the catalogue's order: one query for a chunk
    of an export's findings."""
    found: dict[int, list[str]] = {pk: [] for pk in finding_ids}
    links = Finding.controls.through.objects.filter(finding_id__in=finding_ids).order_by(
        "catalogueitem__sort_key", "catalogueitem_id"
    )
    for finding_id, code in links.values_list("finding_id", "catalogueitem__code"):
        found[finding_id].append(code)
    return found


def finding_get(*, user: AbstractBaseUser, pk: int) -> Finding:
    return (
        visible_findings(user)
        .select_related("audit__lead_auditor", "raised_by")
        .prefetch_related("controls")
        .get(pk=pk)
    )
