"""Reads of the catalogue, the SoA and its versions, restricted to the acting user.

The catalogue and the statements are AIMS-wide records: a role holding the model's view
permission sees them all (officers, approvers, auditors, and system owners, who own
controls); anyone else sees none. SoA versions are for officers, approvers and auditors.
"""

from typing import Any

from django.db.models import Q, QuerySet

from aims.permissions import has_global_perm

from ..models import CatalogueItem, ControlStatement, SoAVersion
from .readiness import readiness

VIEW_STATEMENTS = "audits.view_controlstatement"
VIEW_VERSIONS = "audits.view_soaversion"


def can_view_statements(user) -> bool:
    return has_global_perm(user, VIEW_STATEMENTS)


def can_view_versions(user) -> bool:
    return has_global_perm(user, VIEW_VERSIONS)


def _section_q(section: str) -> Q:
    if section == "clauses":
        return Q(item__kind=CatalogueItem.Kind.CLAUSE)
    if section == "annex":
        return Q(item__kind=CatalogueItem.Kind.CONTROL)
    return Q(item__code=section) | Q(item__code__startswith=section + ".")


def statement_list(*, user, filters: dict[str, Any] | None = None) -> QuerySet[ControlStatement]:
    filters = filters or {}
    qs = ControlStatement.objects.select_related("item", "owner").order_by("item__sort_key")
    if not can_view_statements(user):
        return qs.none()
    search = (filters.get("q") or "").strip()
    if search:
        qs = qs.filter(
            Q(item__code__istartswith=search)
            | Q(item__title__icontains=search)
            | Q(implementation_notes__icontains=search)
        )
    if filters.get("section"):
        qs = qs.filter(_section_q(filters["section"]))
    if filters.get("applicable") in ("yes", "no"):
        qs = qs.filter(applicable=filters["applicable"] == "yes")
    if filters.get("status"):
        qs = qs.filter(implementation_status=filters["status"])
    owner = filters.get("owner")
    if owner == "none":
        qs = qs.filter(owner__isnull=True)
    elif owner:
        qs = qs.filter(owner_id=owner)
    if filters.get("readiness") in ("ready", "not_ready"):
        ready = {i.statement.pk for i in readiness().items if i.ready}
        qs = (
            qs.filter(pk__in=ready) if filters["readiness"] == "ready" else qs.exclude(pk__in=ready)
        )
    return qs


def statement_get(*, user, pk: int) -> ControlStatement:
    """One statement, or ControlStatement.DoesNotExist (a 404) for users who may not see it."""
    return (
        statement_list(user=user)
        .select_related("item__parent")
        .prefetch_related("item__crosswalks")
        .get(pk=pk)
    )


def version_list(*, user) -> QuerySet[SoAVersion]:
    qs = SoAVersion.objects.select_related("approved_by").order_by("-number")
    return qs if can_view_versions(user) else qs.none()


def version_get(*, user, number: int) -> SoAVersion:
    return version_list(user=user).get(number=number)
