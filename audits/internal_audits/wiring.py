"""Registrations of internal audits, findings and management reviews: menu entries,
dashboard panels, evidence targets and corrective-action sources.
(called from audits.apps.ready())."""

GROUP = "Assurance"


def audits_panel(request) -> dict | None:
    """Open findings and the next audits, for those who may read audits."""
    from django.db.models import Count, Q
    from django.utils import timezone

    from aims.permissions import has_global_perm

    from ..models import Finding, InternalAudit
    from . import selectors

    user = request.user
    if not has_global_perm(user, "audits.view_internalaudit"):
        return None
    open_findings = selectors.finding_list(user=user, filters={"status": Finding.Status.OPEN})
    upcoming = (
        selectors.audit_list(user=user)
        .exclude(status=InternalAudit.Status.CLOSED)
        .order_by("planned_start", "id")
    )
    # Both figures in one statement (the dashboard's query count is fixed; issue 21).
    counts = open_findings.order_by().aggregate(
        open=Count("pk"),
        nonconformities=Count("pk", filter=Q(kind__in=(Finding.Kind.MAJOR, Finding.Kind.MINOR))),
    )
    return {
        "open_findings": list(open_findings[:5]),
        "open_count": counts["open"],
        "nonconformities": counts["nonconformities"],
        "upcoming": list(upcoming[:5]),
        "today": timezone.localdate(),
    }


def register() -> None:
    from aims.dashboard import Panel, register_panel
    from aims.evidence.registry import register_attachable
    from aims.navigation import NavItem, register_nav

    from ..models import Finding, InternalAudit, ManagementReview
    from . import admin as internal_audit_admin

    for item in (
        NavItem(70, "Internal audits", "internal_audits:audit_list",
                "audits.view_internalaudit", group=GROUP),
        NavItem(72, "Management reviews", "internal_audits:review_list",
                "audits.view_managementreview", group=GROUP),
    ):  # fmt: skip
        register_nav(item)
    register_panel(
        Panel(order=70, template="internal_audits/_dashboard_panel.html", context=audits_panel)
    )
    register_attachable(InternalAudit)
    register_attachable(Finding)
    register_attachable(ManagementReview)
    internal_audit_admin.register()
    from . import search

    search.register()
    from aims.comments.registry import register_commentable

    register_commentable("finding", Finding)
