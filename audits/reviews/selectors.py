"""Permission-restricted reads of management reviews and their actions: whoever holds the
view permission through a role sees all of them; anyone else sees none, and a review asked
for by id is a 404."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet

from ..internal_audits.selectors import search_by_reference, visible_to_roles
from ..models import (
    ManagementReview,
    ReviewAction,
)

# --- Management reviews ---------------------------------------------------------------------


def review_list(
    *, user: AbstractBaseUser, filters: dict[str, Any] | None = None
) -> QuerySet[ManagementReview]:
    filters = filters or {}
    qs = (
        visible_to_roles(ManagementReview, user)
        .select_related("chair")
        .annotate(
            action_count=Count("actions", distinct=True),
            open_actions=Count(
                "actions", filter=Q(actions__status=ReviewAction.Status.OPEN), distinct=True
            ),
        )
    )
    qs = search_by_reference(qs, ManagementReview.REFERENCE_PREFIX, filters.get("q", ""))
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    return qs.order_by("-meeting_date", "-id")


def review_get(*, user: AbstractBaseUser, pk: int) -> ManagementReview:
    return (
        visible_to_roles(ManagementReview, user)
        .select_related("chair")
        .prefetch_related("attendees")
        .get(pk=pk)
    )


def review_actions(*, review: ManagementReview) -> QuerySet[ReviewAction]:
    return review.actions.select_related("owner").order_by("due_date", "id")


def review_action_list(
    *, user: AbstractBaseUser, filters: dict[str, Any] | None = None
) -> QuerySet[ReviewAction]:
    filters = filters or {}
    qs = visible_to_roles(ReviewAction, user).select_related("review", "owner")
    for key in ("review", "status", "owner"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    return qs.order_by("due_date", "id")
