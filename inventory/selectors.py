"""Permission-restricted reads of the inventory. Each list is filtered in SQL (subqueries on
the object-permission tables), so no list of visible ids is ever built in Python."""

from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, Q, QuerySet

from aims.models import parse_reference
from aims.permissions import has_global_perm
from aims.read_once import remember
from aims.visibility import restrict

from .models import (
    AISystem,
    Approval,
    ApprovalCondition,
    ChangeRequest,
    Component,
    Dataset,
    ValidationRecord,
)

SORTABLE = {
    "reference": "id",
    "name": "name",
    "stage": "lifecycle_stage",
    "tier": "risk_tier",
    "owner": "owner__username",
    "business_unit": "business_unit",
    "next_review": "next_review_date",
    "updated": "updated_at",
}


def restrict_systems(
    queryset: QuerySet[AISystem], user: AbstractBaseUser, codename: str = "view_aisystem"
) -> QuerySet[AISystem]:
    """``queryset`` narrowed to the systems ``user`` may act on (``codename``, e.g.
    "change_aisystem"): the rule of aims.visibility, which every read of the inventory uses."""
    return restrict(queryset, user, codename.partition("_")[0])


def system_list(*, user: AbstractBaseUser, filters: dict[str, Any] | None = None) -> QuerySet:
    filters = filters or {}
    qs = restrict_systems(AISystem.objects.select_related("owner"), user)
    search = (filters.get("q") or "").strip()
    if search:
        pk = parse_reference(AISystem.REFERENCE_PREFIX, search)
        qs = qs.filter(Q(pk=pk) if pk else Q(name__icontains=search) | Q(purpose__icontains=search))
    for key in ("lifecycle_stage", "risk_tier", "business_unit", "deployment_type"):
        if filters.get(key):
            qs = qs.filter(**{key: filters[key]})
    if filters.get("owner"):
        qs = qs.filter(owner_id=filters["owner"])
    if filters.get("in_aims_scope") in ("yes", "no"):
        qs = qs.filter(in_aims_scope=filters["in_aims_scope"] == "yes")
    if filters.get("review_overdue"):
        from django.utils import timezone

        qs = qs.filter(next_review_date__lt=timezone.localdate()).exclude(
            lifecycle_stage__in=["retired", "rejected"]
        )
    sort = filters.get("sort") or "reference"
    descending = sort.startswith("-")
    field = SORTABLE.get(sort.lstrip("-"), "id")
    return qs.order_by(f"-{field}" if descending else field, "id")


def system_get(*, user: AbstractBaseUser, pk: int) -> AISystem:
    """One system the user may see, or AISystem.DoesNotExist (a 404: nothing leaks). Read
    once in a read-only request (aims.read_once): the pages a system's page links to load it
    again when asked whether the user may open them."""
    return remember(
        ("inventory.system_get", user.pk, str(pk)),
        lambda: restrict_systems(
            AISystem.objects.select_related(
                "owner", "submitted_by", "oversight_person", "triage_assignee"
            ),
            user,
        ).get(pk=pk),
    )


def _children(model, user: AbstractBaseUser, related: tuple[str, ...] = ()) -> QuerySet:
    """Records under a system, as visible as their system."""
    return model.objects.restrict(user).select_related("system", *related)


def component_list(*, user: AbstractBaseUser) -> QuerySet[Component]:
    return _children(Component, user)


def dataset_list(*, user: AbstractBaseUser) -> QuerySet[Dataset]:
    return _children(Dataset, user)


def approval_list(*, user: AbstractBaseUser) -> QuerySet[Approval]:
    return _children(Approval, user, ("approver",))


def validation_list(*, user: AbstractBaseUser) -> QuerySet[ValidationRecord]:
    return _children(ValidationRecord, user, ("performed_by", "reviewed_by"))


def condition_list(*, user: AbstractBaseUser) -> QuerySet[ApprovalCondition]:
    """Conditions of approvals: as visible as their system, and to their owner."""
    return _children(ApprovalCondition, user, ("approval", "owner", "closed_by"))


def change_request_list(*, user: AbstractBaseUser) -> QuerySet[ChangeRequest]:
    return _children(ChangeRequest, user, ("requested_by",))


def approvals_waiting_for(*, user: AbstractBaseUser) -> QuerySet[AISystem]:
    """Systems at an open gate that this approver has not decided in the current round and
    does not own."""
    if not has_global_perm(user, "inventory.decide_gate"):
        return AISystem.objects.none()
    decided = Approval.objects.filter(system=OuterRef("pk"), approver=user).filter(
        Q(gate="intake", round=OuterRef("intake_round"))
        | Q(gate="release", round=OuterRef("release_round"))
    )
    return (
        AISystem.objects.filter(lifecycle_stage__in=["in_triage", "in_validation"])
        .exclude(owner=user)
        .exclude(Exists(decided))
        .select_related("owner")
        .order_by("updated_at")
    )


# --- The guided intake ------------------------------------------------------------------------


def draft_list(*, user: AbstractBaseUser, mine: bool = True) -> QuerySet:
    """Intake drafts not yet submitted that ``user`` may see; ``mine``: only their own (the
    "your drafts" list; officers may read others' drafts, see IntakeDraft.visibility_rule)."""
    from .models import IntakeDraft

    qs = restrict(IntakeDraft.objects.select_related("author"), user).filter(
        submitted_system__isnull=True
    )
    return qs.filter(author=user) if mine else qs


def draft_get(*, user: AbstractBaseUser, pk: int):
    """One open draft the user may see, or IntakeDraft.DoesNotExist (a 404)."""
    return draft_list(user=user, mine=False).get(pk=pk)


def _words(name: str) -> str:
    """A name compared as words: lower case, punctuation and repeated spaces ignored."""
    import re

    return " ".join(re.findall(r"[^\W_]+", name.lower()))


SIMILAR_LIMIT = 5


def similar_systems(*, user: AbstractBaseUser, name: str, limit: int = SIMILAR_LIMIT) -> list:
    """Systems the user may see whose name is like ``name``: the same words ignoring case and
    punctuation, one name containing the other, or close in spelling. A warning, never a
    block: two systems may share a name for good reasons."""
    from difflib import SequenceMatcher

    wanted = _words(name)
    if len(wanted) < 3:
        return []
    tokens = [t for t in wanted.split() if len(t) >= 3] or [wanted]
    match = Q()
    for token in tokens[:6]:
        match |= Q(name__icontains=token)
    candidates = restrict_systems(AISystem.objects.select_related("owner"), user).filter(match)
    scored = []
    for system in candidates.order_by("id")[:200]:
        theirs = _words(system.name)
        ratio = SequenceMatcher(None, wanted, theirs).ratio()
        if wanted == theirs or wanted in theirs or theirs in wanted or ratio >= 0.75:
            scored.append((-(ratio + (wanted == theirs)), system.pk, system))
    return [system for *_, system in sorted(scored, key=lambda row: row[:2])][:limit]


def supplier_choices(*, user: AbstractBaseUser) -> QuerySet:
    """The register's suppliers the user may see and pick for a system (not offboarded)."""
    from suppliers.selectors import supplier_list

    return supplier_list(user=user).exclude(status="offboarded").order_by("name", "id")
