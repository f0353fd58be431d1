"""The incidents panel on the dashboard: open incidents by severity, overdue targets,
serious-incident reporting clocks and open monitoring alerts the user may see."""

from django.db.models import Count
from django.utils import timezone

from . import selectors
from .models import Severity, Status


def incidents_panel(request) -> dict | None:
    user = request.user
    if not user.is_authenticated:
        return None
    visible = selectors.visible_incidents(user).exclude(status=Status.CLOSED)
    by_severity = dict(visible.order_by().values_list("severity").annotate(n=Count("id")))
    overdue = selectors.overdue_incidents(user=user)
    now = timezone.now()
    overdue_rows = [(i, i.overdue_stages(now)) for i in overdue[:10]]
    return {
        "severities": [(v, label, by_severity.get(v, 0)) for v, label in Severity.choices],
        "open_total": sum(by_severity.values()),
        "recent": visible.select_related("system").order_by("-created_at")[:5],
        "overdue": overdue_rows,
        "overdue_count": overdue.count(),
        "clocks": selectors.serious_clocks(user=user)[:5],
        "reported_late": selectors.reported_late(user=user)[:5],
        "alerts": selectors.alert_list(user=user, open_only=True)[:5],
        "today": timezone.localdate(),
    }
