"""The inventory's panel on the dashboard: systems by stage and tier, work waiting for the
user (triage, approvals), reviews overdue."""

from collections import Counter

from django.db.models import Count
from django.utils import timezone

from aims.permissions import has_global_perm

from . import selectors, services
from .models import LifecycleStage, RiskTier

CLOSED = (LifecycleStage.RETIRED, LifecycleStage.REJECTED)


def inventory_panel(request) -> dict | None:
    user = request.user
    visible = selectors.restrict_systems(selectors.AISystem.objects.all(), user)
    # Stages and tiers from one GROUP BY (at most stages x tiers rows, whatever the size).
    by_stage: Counter[str] = Counter()
    by_tier: Counter[str] = Counter()
    for stage, tier, n in (
        visible.order_by().values_list("lifecycle_stage", "risk_tier").annotate(n=Count("id"))
    ):
        by_stage[stage] += n
        by_tier[tier] += n
    overdue = (
        visible.filter(next_review_date__lt=timezone.localdate())
        .exclude(lifecycle_stage__in=CLOSED)
        .select_related("owner")
        .order_by("next_review_date")
    )
    context = {
        "stages": [
            (value, label, by_stage.get(value, 0)) for value, label in LifecycleStage.choices
        ],
        "tiers": [(value, label, by_tier.get(value, 0)) for value, label in RiskTier.choices],
        "total": sum(by_stage.values()),
        "overdue": overdue[:10],
        "overdue_count": overdue.count(),
        "awaiting_triage": None,
        "awaiting_me": None,
        "decide_blocked": "",
        "my_systems": None,
    }
    if has_global_perm(user, "inventory.triage_aisystem"):
        context["awaiting_triage"] = (
            visible.filter(lifecycle_stage=LifecycleStage.INTAKE_SUBMITTED)
            .select_related("owner")
            .order_by("created_at")[:10]
        )
    if has_global_perm(user, "inventory.decide_gate"):
        context["awaiting_me"] = selectors.approvals_waiting_for(user=user)[:10]
        # The list stays (the work is still there), with the reason the gates' own rule
        # would give before the approver opens one of them.
        refusal = services.approver_training_refusal(user)
        context["decide_blocked"] = refusal.message if refusal else ""
    if has_global_perm(user, "inventory.add_aisystem") and not has_global_perm(
        user, "inventory.view_aisystem"
    ):
        context["my_systems"] = (
            visible.filter(owner=user).select_related("owner").order_by("-updated_at")[:10]
        )
    return context
