"""The readiness panel on the dashboard: the readiness percentage and the top gaps."""

from . import gaps
from .readiness import readiness
from .selectors import can_view_statements

TOP_GAPS = 5


def readiness_panel(request) -> dict | None:
    user = request.user
    if not user.is_authenticated or not can_view_statements(user):
        return None
    state = readiness()
    found = gaps.gap_summary(user=user, top=TOP_GAPS, today=state.today, state=state)
    return {
        "percent": state.percent,
        "ready": state.ready,
        "total": state.total,
        "gaps": found.top,
        "gap_count": found.total,
    }
