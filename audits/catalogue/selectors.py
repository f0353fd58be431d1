"""Reads of the catalogue: for those who may view it (every role), the whole of it."""

from typing import Any

from django.db.models import QuerySet

from aims.permissions import has_global_perm

from ..models import CatalogueItem

VIEW_CATALOGUE = "audits.view_catalogueitem"


def catalogue_list(*, user, filters: dict[str, Any] | None = None) -> QuerySet[CatalogueItem]:
    filters = filters or {}
    qs = CatalogueItem.objects.select_related("parent").prefetch_related("crosswalks")
    if not has_global_perm(user, VIEW_CATALOGUE):
        return qs.none()
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("is_heading") is not None:
        qs = qs.filter(is_heading=filters["is_heading"])
    return qs.order_by("sort_key")
