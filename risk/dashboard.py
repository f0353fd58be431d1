"""The heat map panel on the dashboard: risks the user may see, by likelihood and impact."""

from . import selectors


def heatmap_panel(request) -> dict | None:
    user = request.user
    risks = selectors.risk_list(user=user)
    if not risks.exists() and not user.has_perm("risk.view_risk"):
        return None
    return {
        "inherent": selectors.heatmap(risks, "inherent"),
        "residual": selectors.heatmap(risks, "residual"),
        "pending": selectors.risk_list(user=user, filters={"acceptance": "pending"})[:10],
    }
