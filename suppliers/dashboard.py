"""The suppliers' panel on the dashboard: vendor changes not yet reviewed (oldest first),
the changes waiting for the user's own assessment, and reassessments that are due."""

from django.utils import timezone

from aims.permissions import has_global_perm

from . import selectors, services
from .models import SupplierStatus, VendorChangeImpact, VendorChangeNotice


def suppliers_panel(request) -> dict | None:
    user = request.user
    if not has_global_perm(user, "suppliers.view_vendorchangenotice"):
        return None
    open_notices = selectors.notice_list(
        user=user, filters={"status": VendorChangeNotice.Status.OPEN, "oldest_first": True}
    )
    context = {
        "open_notices": open_notices[:10],
        "open_count": open_notices.count(),
        "my_pending": None,
        "to_confirm": None,
        "overdue": None,
    }
    if has_global_perm(user, services.CONFIRM_PERM):
        proposed = (
            selectors.impact_list(user=user)
            .filter(assessment=VendorChangeImpact.Assessment.NO_IMPACT_PROPOSED)
            .exclude(assessed_by=user)
            .order_by("created_at", "id")[:20]
        )
        context["to_confirm"] = [i for i in proposed if services.can_confirm_impact(user, i)][:10]
    if not has_global_perm(user, "suppliers.view_vendorchangeimpact"):
        context["my_pending"] = (
            selectors.impact_list(user=user, codename="change_aisystem")
            .filter(assessment=VendorChangeImpact.Assessment.PENDING)
            .order_by("created_at", "id")[:10]
        )
    if has_global_perm(user, "suppliers.change_supplier"):
        context["overdue"] = (
            selectors.supplier_list(user=user)
            .filter(next_reassessment_date__lt=timezone.localdate())
            .exclude(status=SupplierStatus.OFFBOARDED)
            .order_by("next_reassessment_date")[:10]
        )
    return context
