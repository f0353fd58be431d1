"""Reads of the certification body's findings and our responses: restricted to what the user
may see (officers, approvers and auditors: all; an owner: their own), with their related rows
in a fixed number of queries whatever the page size."""

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from aims.models import Evidence, parse_reference

from ..models import ExternalFinding, FindingResponse

SORTABLE = {
    "reference": "id",
    "title": "title",
    "kind": "kind",
    "audit": "audit__start_date",
    "owner": "owner__username",
    "due": "response_due",
    "status": "status",
    "raised": "created_at",
}


def search(qs: QuerySet, text: str) -> QuerySet:
    text = (text or "").strip()
    if not text:
        return qs
    pk = parse_reference(ExternalFinding.REFERENCE_PREFIX, text)
    if pk:
        return qs.filter(pk=pk)
    return qs.filter(Q(title__icontains=text) | Q(description__icontains=text))


def finding_list(*, user, filters: dict[str, Any] | None = None) -> QuerySet[ExternalFinding]:
    """The findings ``user`` sees, filtered by q (reference, title or text), kind, status,
    audit, clause (an id or a code such as "6.1.2"), owner and overdue."""
    filters = filters or {}
    qs = (
        ExternalFinding.objects.restrict(user, "view")
        .select_related("audit__body", "owner", "raised_by", "corrective_action")
        .prefetch_related("clauses")
        .annotate(response_count=Count("responses", distinct=True))
    )
    qs = search(qs, filters.get("q", ""))
    for key in ("kind", "status", "audit", "owner"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    clause = filters.get("clause")
    if clause:
        if hasattr(clause, "pk"):
            qs = qs.filter(clauses=clause.pk)
        elif str(clause).isdigit():
            qs = qs.filter(clauses=int(clause))
        else:
            qs = qs.filter(clauses__code=str(clause).strip())
    overdue = filters.get("overdue")
    if overdue is True:
        qs = qs.filter(ExternalFinding.overdue_q(timezone.localdate()))
    elif overdue is False:
        qs = qs.exclude(ExternalFinding.overdue_q(timezone.localdate()))
    return qs.order_by("-created_at", "-id")


def finding_get(*, user, pk: int) -> ExternalFinding:
    return (
        ExternalFinding.objects.restrict(user, "view")
        .select_related("audit__body", "owner", "raised_by", "corrective_action__owner")
        .prefetch_related("clauses")
        .get(pk=pk)
    )


def responses_of(*, user, finding: ExternalFinding) -> QuerySet[FindingResponse]:
    """The responses to ``finding`` the user sees, newest first, with their evidence."""
    evidence = Evidence.objects.filter(
        target_type=ContentType.objects.get_for_model(FindingResponse)
    ).order_by("-id")
    return (
        FindingResponse.objects.restrict(user, "view")
        .filter(finding=finding)
        .select_related("sent_by", "finding")
        .prefetch_related(Prefetch("evidence", queryset=evidence))
        .order_by("-sent_on", "-id")
    )


def response_list(*, user) -> QuerySet[FindingResponse]:
    return (
        FindingResponse.objects.restrict(user, "view")
        .select_related("sent_by", "finding")
        .order_by("-sent_on", "-id")
    )
