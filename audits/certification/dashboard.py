"""The "Certification" panel of the dashboard: before certification, "not certified yet" and
the next planned external audit; after, the certificate's number and expiry, the next
external audit with its readiness, and the open external findings (overdue counted by
ExternalFinding.overdue_q, the one rule of "overdue")."""

from django.db.models import Count
from django.utils import timezone

from aims.permissions import has_global_perm

from . import selectors
from .models import ExternalFinding

#: A certificate expiring within this many days is shown as a warning.
EXPIRY_WARNING_DAYS = 183


def certification_panel(request) -> dict | None:
    user = request.user
    if not user.is_authenticated or not has_global_perm(user, "audits.view_certificate"):
        return None
    today = timezone.localdate()
    certificate = selectors.current_certificate(user=user, today=today)
    upcoming = selectors.next_audit(user=user)
    findings = ExternalFinding.objects.restrict(user).filter(status__in=selectors.OPEN_EXTERNAL)
    # Both figures in one statement (the dashboard's query count is fixed; issue 21).
    counts = findings.order_by().aggregate(
        open=Count("pk"), overdue=Count("pk", filter=ExternalFinding.overdue_q(today))
    )
    context = {
        "certificate": certificate,
        "next_audit": upcoming,
        "open_findings": counts["open"],
        "overdue_findings": counts["overdue"],
        "today": today,
    }
    if certificate is not None:
        days_left = (certificate.expires_on - today).days
        context["days_left"] = days_left
        context["days_text"] = f"in {days_left} day{'s' if days_left != 1 else ''}"
        context["expiry_warning"] = days_left <= EXPIRY_WARNING_DAYS
        if upcoming is not None and upcoming.status == upcoming.Status.PLANNED:
            context["readiness"] = selectors.audit_readiness(upcoming, user=user, today=today)
    return context
