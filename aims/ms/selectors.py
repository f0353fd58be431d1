"""Reads of the management-system records: filtered querysets with their related rows loaded,
so a page costs the same number of queries whatever its size, and the derived figures
(progress towards a target, overdue, acknowledgement coverage)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from aims.models import (
    AIMSScope,
    ContextIssue,
    InterestedParty,
    Objective,
    ObjectiveUpdate,
    PartyFeedback,
    Policy,
    PolicyAcknowledgement,
    PolicyVersion,
)
from aims.ms.services import CLOSED_OBJECTIVE
from aims.permissions import has_global_perm

User = get_user_model()
VersionStatus = PolicyVersion.Status


# --- Scope ----------------------------------------------------------------------------------


def systems_in_scope() -> QuerySet:
    """AI systems flagged as in the AIMS scope (inventory sits above aims: looked up by name)."""
    system_model = apps.get_model("inventory", "AISystem")
    return system_model.objects.filter(in_aims_scope=True).order_by("name")


def scope_history(scope: AIMSScope) -> QuerySet:
    return scope.history.select_related("history_user").order_by("-history_id")


# --- Registers ------------------------------------------------------------------------------
# Each list is restricted to the user by aims.visibility (the role's view permission), the
# rule the API and the browser share.


def feedback_list(*, user, filters: dict | None = None) -> QuerySet[PartyFeedback]:
    filters = filters or {}
    qs = PartyFeedback.objects.restrict(user).select_related("party", "owner")
    if filters.get("q"):
        qs = qs.filter(Q(summary__icontains=filters["q"]) | Q(party__name__icontains=filters["q"]))
    if filters.get("party"):
        qs = qs.filter(party=filters["party"])
    return qs


def party_list(*, user, filters: dict | None = None) -> QuerySet[InterestedParty]:
    filters = filters or {}
    qs = InterestedParty.objects.restrict(user).select_related("owner")
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(
            Q(name__icontains=q) | Q(requirements__icontains=q) | Q(addressed_by__icontains=q)
        )
    if filters.get("category"):
        qs = qs.filter(category=filters["category"])
    if filters.get("internal") in ("yes", "no"):
        qs = qs.filter(is_internal=filters["internal"] == "yes")
    return qs


def issue_list(*, user, filters: dict | None = None) -> QuerySet[ContextIssue]:
    filters = filters or {}
    qs = ContextIssue.objects.restrict(user).select_related("owner")
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(Q(title__icontains=q) | Q(description__icontains=q) | Q(effect__icontains=q))
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    if filters.get("category"):
        qs = qs.filter(category=filters["category"])
    if filters.get("active") in ("yes", "no"):
        qs = qs.filter(is_active=filters["active"] == "yes")
    return qs


# --- Policies -------------------------------------------------------------------------------


def policy_list(*, user, filters: dict | None = None) -> QuerySet[Policy]:
    """Policies ``user`` may read, with their versions (newest first) in one extra query;
    ``user=None`` for what every user reads (acknowledging the published policies)."""
    filters = filters or {}
    versions = PolicyVersion.objects.select_related("drafted_by", "approved_by").order_by("-number")
    qs = Policy.objects.all() if user is None else Policy.objects.restrict(user)
    qs = qs.select_related("owner").prefetch_related(Prefetch("versions", queryset=versions))
    if filters.get("q"):
        qs = qs.filter(Q(title__icontains=filters["q"]) | Q(purpose__icontains=filters["q"]))
    return qs


def current_versions(policy: Policy) -> tuple[PolicyVersion | None, PolicyVersion | None]:
    """(published, in progress) from the prefetched versions of a policy."""
    published = pending = None
    for version in policy.versions.all():
        if version.status == VersionStatus.PUBLISHED and published is None:
            published = version
        if version.status in (VersionStatus.DRAFT, VersionStatus.APPROVED) and pending is None:
            pending = version
    return published, pending


def acknowledgement_counts(versions: list[PolicyVersion]) -> dict[int, int]:
    """{version id: acknowledgements} in one query."""
    ids = [v.pk for v in versions if v is not None]
    if not ids:
        return {}
    rows = (
        PolicyAcknowledgement.objects.filter(version_id__in=ids)
        .order_by()
        .values_list("version_id")
        .annotate(n=Count("id"))
    )
    return dict(rows)


def active_user_count() -> int:
    return User.objects.filter(is_active=True).count()


def pending_acknowledgements(user) -> QuerySet[PolicyVersion]:
    """Published versions of policies asking for acknowledgement that ``user`` has not
    acknowledged: one query."""
    if not user.is_authenticated:
        return PolicyVersion.objects.none()
    mine = PolicyAcknowledgement.objects.filter(version=OuterRef("pk"), user=user)
    return (
        PolicyVersion.objects.filter(
            status=VersionStatus.PUBLISHED, policy__requires_acknowledgement=True
        )
        .exclude(Exists(mine))
        .select_related("policy")
        .order_by("policy__title", "policy_id")
    )


def acknowledgements_of(user) -> QuerySet[PolicyAcknowledgement]:
    return PolicyAcknowledgement.objects.filter(user=user).select_related("version__policy")


@dataclass
class AcknowledgementStatus:
    version: PolicyVersion | None
    acknowledged: list[PolicyAcknowledgement]
    missing: list
    active_users: int

    @property
    def rate(self) -> int | None:
        if not self.active_users or self.version is None:
            return None
        return round(100 * len(self.acknowledged) / self.active_users)


def acknowledgement_status(policy: Policy) -> AcknowledgementStatus:
    """Who has, and which active users have not, acknowledged the published version."""
    version = policy.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()
    if version is None:
        return AcknowledgementStatus(None, [], [], active_user_count())
    acknowledged = list(version.acknowledgements.select_related("user").order_by("user__username"))
    done = PolicyAcknowledgement.objects.filter(version=version, user=OuterRef("pk"))
    missing = list(
        User.objects.filter(is_active=True)
        .exclude(Exists(done))
        .order_by("username")
        .only("pk", "username", "first_name", "last_name", "email")
    )
    active = len(missing) + sum(1 for a in acknowledged if a.user.is_active)
    return AcknowledgementStatus(version, acknowledged, missing, active)


# --- Objectives -----------------------------------------------------------------------------


def objective_list(*, user, filters: dict | None = None) -> QuerySet[Objective]:
    """Objectives the user may see: all with the view permission, else the ones they own."""
    filters = filters or {}
    qs = Objective.objects.select_related("owner")
    if not user.is_authenticated:
        return qs.none()
    if not has_global_perm(user, "aims.view_objective"):
        qs = qs.filter(owner=user)
    if filters.get("q"):
        q = filters["q"]
        qs = qs.filter(Q(title__icontains=q) | Q(measure__icontains=q))
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("owner"):
        qs = qs.filter(owner=filters["owner"])
    if filters.get("overdue"):
        qs = overdue_objectives(qs)
    return qs


def objective_get(*, user, pk: int) -> Objective:
    """One objective the user may see, or Objective.DoesNotExist (a 404)."""
    return objective_list(user=user).get(pk=pk)


def objective_updates(objective: Objective) -> QuerySet[ObjectiveUpdate]:
    return objective.updates.select_related("recorded_by")


def overdue_objectives(qs: QuerySet[Objective] | None = None) -> QuerySet[Objective]:
    qs = Objective.objects.all() if qs is None else qs
    return qs.filter(due_date__lt=timezone.localdate()).exclude(status__in=CLOSED_OBJECTIVE)


def is_overdue(objective: Objective, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return objective.due_date < today and objective.status not in CLOSED_OBJECTIVE


def progress_percent(objective: Objective) -> int | None:
    """How far the current value has moved from the baseline towards the target, 0-100.

    Without a baseline, progress is measured from zero when higher is better; when lower is
    better it is only known once the target is met. None when there is nothing to measure.
    """
    current, target = objective.current_value, objective.target_value
    if current is None or target is None:
        return None
    met = current >= target if objective.higher_is_better else current <= target
    if met:
        return 100
    baseline = objective.baseline
    if baseline is None:
        if not objective.higher_is_better or target <= 0:
            return None
        baseline = Decimal(0)
    span = target - baseline
    if span == 0:
        return None
    share = (current - baseline) / span
    return max(0, min(100, int(share * 100)))


def objectives_at_risk(*, user) -> QuerySet[Objective]:
    """Objectives marked at risk, or overdue, that the user may see."""
    visible = objective_list(user=user)
    today = timezone.localdate()
    return visible.filter(
        Q(status=Objective.Status.AT_RISK)
        | (Q(due_date__lt=today) & ~Q(status__in=CLOSED_OBJECTIVE))
    )
