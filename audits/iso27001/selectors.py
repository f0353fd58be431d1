"""Reads of the ISO/IEC 27001 controls and mappings, restricted to the acting user, and the
one predicate that says which 27001 evidence supports which 42001 item.

Controls and mappings are AIMS-wide records: a role holding the model's view permission
(officers, approvers, auditors) sees them all; anyone else sees none.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from aims.models import Evidence

from .models import SUPPLYING, ControlMapping, SecurityControl

Status = ControlMapping.Status

CONTROL_SORTABLE = {
    "code": "sort_key",
    "title": "title",
    "theme": "theme",
    "status": "implementation_status",
    "owner": "owner__username",
    "reviewed": "last_reviewed",
}
MAPPING_SORTABLE = {
    "control": "security_control__sort_key",
    "item": "item__sort_key",
    "status": "status",
    "source": "source",
    "reviewed": "reviewed_at",
}


# --- Controls --------------------------------------------------------------------------------


def control_list(*, user, filters: dict[str, Any] | None = None) -> QuerySet[SecurityControl]:
    filters = filters or {}
    qs = (
        SecurityControl.objects.restrict(user, "view")
        .select_related("owner")
        .annotate(
            reviewed_mappings=Count("mappings", filter=Q(mappings__status=Status.REVIEWED)),
        )
        .order_by("sort_key")
    )
    search = (filters.get("q") or "").strip()
    if search:
        qs = qs.filter(
            Q(code__istartswith=search)
            | Q(title__icontains=search)
            | Q(implementation_notes__icontains=search)
        )
    if filters.get("theme"):
        qs = qs.filter(theme=filters["theme"])
    if filters.get("status"):
        qs = qs.filter(implementation_status=filters["status"])
    if filters.get("applicable") in ("yes", "no"):
        qs = qs.filter(applicable=filters["applicable"] == "yes")
    return qs


def control_get(*, user, pk: int) -> SecurityControl:
    return SecurityControl.objects.restrict(user, "view").select_related("owner").get(pk=pk)


def control_evidence(control: SecurityControl) -> QuerySet[Evidence]:
    """Current (not superseded) evidence of one control, newest first."""
    return (
        Evidence.objects.filter(
            target_type=ContentType.objects.get_for_model(SecurityControl),
            target_id=control.pk,
            superseded_at__isnull=True,
        )
        .select_related("owner")
        .order_by("-created_at", "-id")
    )


# --- Mappings --------------------------------------------------------------------------------


def mapping_list(*, user, filters: dict[str, Any] | None = None) -> QuerySet[ControlMapping]:
    filters = filters or {}
    qs = (
        ControlMapping.objects.restrict(user, "view")
        .select_related("security_control", "item", "proposed_by", "reviewed_by")
        .order_by("security_control__sort_key", "item__sort_key", "id")
    )
    search = (filters.get("q") or "").strip()
    if search:
        qs = qs.filter(
            Q(security_control__code__istartswith=search)
            | Q(item__code__istartswith=search)
            | Q(security_control__title__icontains=search)
            | Q(item__title__icontains=search)
            | Q(rationale__icontains=search)
        )
    for key in ("status", "source"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("security_control"):
        qs = qs.filter(security_control=filters["security_control"])
    if filters.get("item"):
        qs = qs.filter(item=filters["item"])
    return qs


def mapping_get(*, user, pk: int) -> ControlMapping:
    return mapping_list(user=user).get(pk=pk)


# --- Evidence that supports 42001 items --------------------------------------------------------


@dataclass(frozen=True)
class Support:
    """In-date evidence of a 27001 control counted for a 42001 item through a reviewed mapping."""

    statement_id: int
    mapping_id: int
    control_id: int
    control_code: str
    reviewed_by: str
    reviewed_at: datetime

    def __str__(self) -> str:
        return (
            f"evidence from ISO/IEC 27001 {self.control_code} via a mapping reviewed by "
            f"{self.reviewed_by} on {self.reviewed_at:%d %b %Y}"
        )


def in_date_evidence_of_control(today: date) -> QuerySet[Evidence]:
    """Current, in-date evidence of the control named by ``OuterRef("security_control_id")``."""
    return Evidence.objects.filter(
        target_type=ContentType.objects.get_for_model(SecurityControl),
        target_id=OuterRef("security_control_id"),
        superseded_at__isnull=True,
    ).filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=today),
        Q(valid_until__isnull=True) | Q(valid_until__gte=today),
    )


def supporting_mappings(*, today: date) -> QuerySet[ControlMapping]:
    """The rule, once: a mapping lends its 27001 control's evidence to its 42001 item when it
    is reviewed, the control applies and is implemented or partly implemented, and the
    control has current evidence that is in date today."""
    return (
        ControlMapping.objects.filter(
            status=Status.REVIEWED,
            security_control__applicable=True,
            security_control__implementation_status__in=SUPPLYING,
        )
        .annotate(has_evidence=Exists(in_date_evidence_of_control(today)))
        .filter(has_evidence=True)
    )


def supporting_security_evidence(
    *, today: date, statement_ids: Iterable[int] | None = None
) -> dict[int, list[Support]]:
    """Statement pk -> the 27001 evidence that supports its item (one query, whatever the
    number of items). Organisations without 27001 records get an empty dict."""
    qs = supporting_mappings(today=today)
    if statement_ids is not None:
        qs = qs.filter(item__statement__in=list(statement_ids))
    rows = qs.values_list(
        "item__statement",
        "pk",
        "security_control_id",
        "security_control__code",
        "reviewed_by__first_name",
        "reviewed_by__last_name",
        "reviewed_by__username",
        "reviewed_at",
    ).order_by("security_control__sort_key", "pk")
    found: dict[int, list[Support]] = {}
    for statement_id, pk, control_id, code, first, last, username, reviewed_at in rows:
        if statement_id is None:
            continue
        name = f"{first} {last}".strip() or username
        found.setdefault(statement_id, []).append(
            Support(statement_id, pk, control_id, code, name, reviewed_at)
        )
    return found


def reviewed_mappings_of_item(item) -> QuerySet[ControlMapping]:
    """The reviewed mappings that name a 42001 item (for its statement page)."""
    return (
        ControlMapping.objects.filter(item=item, status=Status.REVIEWED)
        .select_related("security_control", "reviewed_by")
        .order_by("security_control__sort_key")
    )
