"""Permission-restricted reads of the supplier register. Suppliers, reviews and notices are
read by role; an impact (a vendor change on one AI system) is also visible to the owner of
that system, which the inventory decides through the dependency provider."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from aims.models import parse_reference
from aims.permissions import has_global_perm
from aims.visibility import restrict

from . import dependencies
from .models import (
    ReviewAnswer,
    ReviewQuestion,
    Supplier,
    SupplierReview,
    SupplierStatus,
    VendorChangeImpact,
    VendorChangeNotice,
)

SORTABLE = {
    "reference": "id",
    "name": "name",
    "type": "supplier_type",
    "criticality": "criticality",
    "status": "status",
    "owner": "owner__username",
    "next_reassessment": "next_reassessment_date",
    "contract_end": "contract_end",
}

#: The vendor-change register's sortable columns (URL key -> field).
NOTICE_SORTABLE = {
    "reference": "id",
    "supplier": "supplier__name",
    "title": "title",
    "kind": "kind",
    "source": "source",
    "recorded": "created_at",
    "effective": "effective_on",
    "status": "status",
}


def supplier_list(*, user: AbstractBaseUser, filters: dict[str, Any] | None = None) -> QuerySet:
    filters = filters or {}
    qs = restrict(Supplier.objects.select_related("owner", "approved_by"), user)
    search = (filters.get("q") or "").strip()
    if search:
        pk = parse_reference(Supplier.REFERENCE_PREFIX, search)
        qs = qs.filter(
            Q(pk=pk) if pk else Q(name__icontains=search) | Q(services_used__icontains=search)
        )
    for key in ("status", "supplier_type", "criticality"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("reassessment_overdue"):
        qs = qs.filter(next_reassessment_date__lt=timezone.localdate()).exclude(
            status=SupplierStatus.OFFBOARDED
        )
    sort = filters.get("sort") or "name"
    descending = sort.startswith("-")
    field = SORTABLE.get(sort.lstrip("-"), "name")
    return qs.order_by(f"-{field}" if descending else field, "id")


def supplier_get(*, user: AbstractBaseUser, pk: int) -> Supplier:
    """One supplier the user may see, or Supplier.DoesNotExist (a 404)."""
    return supplier_list(user=user).get(pk=pk)


def question_list(*, user: AbstractBaseUser, active_only: bool = False) -> QuerySet:
    qs = restrict(ReviewQuestion.objects.all(), user)
    return qs.filter(active=True) if active_only else qs


def review_list(*, user: AbstractBaseUser, supplier: Supplier | None = None) -> QuerySet:
    qs = restrict(
        SupplierReview.objects.select_related("supplier", "reviewer").annotate(
            answered=Count("answers", filter=~Q(answers__value="")),
            questions=Count("answers"),
        ),
        user,
    ).order_by("-created_at", "-id")  # aggregates drop Meta.ordering
    return qs.filter(supplier=supplier) if supplier is not None else qs


def review_get(*, user: AbstractBaseUser, pk: int) -> SupplierReview:
    return review_list(user=user).get(pk=pk)


def answer_list(*, user: AbstractBaseUser, review: SupplierReview | None = None) -> QuerySet:
    qs = restrict(ReviewAnswer.objects.select_related("review"), user)
    return qs.filter(review=review) if review is not None else qs


def notice_list(*, user: AbstractBaseUser, filters: dict[str, Any] | None = None) -> QuerySet:
    filters = filters or {}
    qs = restrict(
        VendorChangeNotice.objects.select_related("supplier", "recorded_by").prefetch_related(
            "observations"
        ),
        user,
    )
    search = (filters.get("q") or "").strip()
    if search:
        pk = parse_reference(VendorChangeNotice.REFERENCE_PREFIX, search)
        qs = qs.filter(
            Q(pk=pk) if pk else Q(title__icontains=search) | Q(affected_service__icontains=search)
        )
    for key in ("status", "kind", "source", "supplier"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("oldest_first"):
        return qs.order_by("created_at", "id")
    return qs


def notice_get(*, user: AbstractBaseUser, pk: int) -> VendorChangeNotice:
    return notice_list(user=user).get(pk=pk)


def impact_list(
    *,
    user: AbstractBaseUser,
    notice: VendorChangeNotice | None = None,
    codename: str = "view_aisystem",
) -> QuerySet[VendorChangeImpact]:
    """Impacts the user may see: every one for the roles that read all of them, else those
    on the user's own systems (as the inventory decides)."""
    qs = VendorChangeImpact.objects.select_related("notice__supplier", "assessed_by")
    if notice is not None:
        qs = qs.filter(notice=notice)
    if has_global_perm(user, "suppliers.view_vendorchangeimpact"):
        return qs
    provider = dependencies.provider()
    if provider is None or not user.is_authenticated:
        return qs.none()
    return provider.restrict_impacts(user=user, queryset=qs, codename=codename)


def impact_get(*, user: AbstractBaseUser, pk: int) -> VendorChangeImpact:
    return impact_list(user=user).get(pk=pk)


def impacts_under_review(*, queryset: QuerySet[VendorChangeImpact]) -> QuerySet:
    provider = dependencies.provider()
    if provider is None:
        return queryset.filter(under_review=True, assessment=VendorChangeImpact.Assessment.PENDING)
    return provider.still_under_review(queryset=queryset)


def dependents(*, user: AbstractBaseUser, supplier: Supplier) -> list:
    provider = dependencies.provider()
    return provider.dependents(user=user, supplier=supplier) if provider else []
