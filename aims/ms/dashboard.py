"""The management-system panel of the dashboard: objectives at risk or overdue, and how many
users acknowledged each published policy. A constant number of queries."""

from django.db.models import Prefetch
from django.http import HttpRequest
from django.utils import timezone

from aims.models import Policy, PolicyVersion
from aims.ms import selectors
from aims.permissions import has_global_perm


def ms_panel(request: HttpRequest) -> dict | None:
    user = request.user
    if not user.is_authenticated:
        return None
    context: dict = {"today": timezone.localdate(), "objectives": None, "policies": None}
    if has_global_perm(user, "aims.view_objective"):
        at_risk = selectors.objectives_at_risk(user=user).order_by("due_date")
        context["objectives"] = list(at_risk[:5])
        context["at_risk_count"] = at_risk.count()
    if has_global_perm(user, "aims.view_policyacknowledgement"):
        published = PolicyVersion.objects.filter(status=PolicyVersion.Status.PUBLISHED)
        policies = list(
            Policy.objects.filter(requires_acknowledgement=True)
            .prefetch_related(Prefetch("versions", queryset=published, to_attr="published"))
            .order_by("title")[:10]
        )
        versions = [p.published[0] for p in policies if p.published]
        counts = selectors.acknowledgement_counts(versions)
        active = selectors.active_user_count()
        context["active_users"] = active
        context["policies"] = [
            (v.policy, v, counts.get(v.pk, 0), round(100 * counts.get(v.pk, 0) / active))
            for v in versions
            if active
        ]
    if context["objectives"] is None and context["policies"] is None:
        return None
    return context
