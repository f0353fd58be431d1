"""The heat map panel on the dashboard: risks the user may see, by likelihood and impact;
for governance officers, the classifications waiting for their confirmation."""

from aims.permissions import has_global_perm

from . import selectors
from .models import Classification


def heatmap_panel(request) -> dict | None:
    user = request.user
    risks = selectors.risk_list(user=user)
    # The permission first: it is cached on the user, the query only runs for the others.
    if not user.has_perm("risk.view_risk") and not risks.exists():
        return None
    return {
        **selectors.heatmaps(risks),
        "pending": selectors.risk_list(user=user, filters={"acceptance": "pending"})[:10],
        # The same rule as the confirm page: officers, never for a system they own.
        "to_confirm": selectors.classification_list(user=user)
        .filter(status=Classification.Status.SUBMITTED)
        .exclude(system__owner=user)[:10]
        if has_global_perm(user, "risk.confirm_classification")
        else [],
    }
