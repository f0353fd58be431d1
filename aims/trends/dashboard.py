"""The trends panel on the dashboard: a chart of each key figure over the chosen period."""

from .selectors import PERIODS, period, trend_charts
from .services import can_view_trends


def trends_panel(request) -> dict | None:
    if not can_view_trends(request.user):
        return None
    days = period(request.GET.get("days"))
    return {"charts": trend_charts(days=days), "days": days, "periods": PERIODS}
