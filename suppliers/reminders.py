"""Reminders of suppliers: due-diligence reassessments and vendor changes that keep a
high-tier system waiting (found by aims.reminders.sweep.run_sweep)."""

from collections.abc import Iterator
from datetime import date, timedelta

from aims.models import format_reference
from aims.reminders.sources import Due, ReminderSource, horizon, url_for

from . import dependencies
from .models import Supplier, SupplierStatus, VendorChangeImpact, VendorChangeNotice

KIND = "supplier-reassessment"
VENDOR_CHANGE_KIND = "vendor-change-assessment"
# An unassessed vendor change on a high-tier deployed system is due this long after it was
# flagged; the reminder's lead time (default the same) announces it at once.
ASSESSMENT_DAYS = 7


def supplier_reassessments(today: date, lead_days: int) -> Iterator[Due]:
    link = url_for("suppliers:supplier_detail")
    rows = (
        Supplier.objects.exclude(status=SupplierStatus.OFFBOARDED)
        .filter(next_reassessment_date__lte=horizon(today, lead_days))
        .values_list("pk", "name", "owner_id", "next_reassessment_date")
    )
    for pk, name, owner_id, due_date in rows:
        reference = format_reference(Supplier.REFERENCE_PREFIX, pk)
        title = f"Reassessment of {reference} {name}"
        yield Due(owner_id, KIND, title, link(pk), due_date, str(pk))


def vendor_change_assessments(today: date, lead_days: int) -> Iterator[Due]:
    """Each vendor change that keeps a high-tier deployed system waiting, to the system's
    owner (while it is theirs to assess) and to every governance officer (who confirm an
    owner's "no impact" and follow the rest)."""
    provider = dependencies.provider()
    if provider is None:
        return
    from aims.notifications.services import users_in_role
    from aims.roles import OFFICER

    officers = list(users_in_role(OFFICER).values_list("pk", flat=True))
    link = url_for("suppliers:notice_detail")
    rows = (
        provider.waiting_impacts(queryset=VendorChangeImpact.objects.all())
        .filter(created_at__date__lte=horizon(today, lead_days) - timedelta(ASSESSMENT_DAYS))
        .values_list(
            "pk", "notice_id", "system_label", "assessment", "created_at", "system_owner_id"
        )
    )
    proposed = VendorChangeImpact.Assessment.NO_IMPACT_PROPOSED
    for pk, notice_id, label, assessment, created_at, owner_id in rows:
        reference = format_reference(VendorChangeNotice.REFERENCE_PREFIX, notice_id)
        due_date = created_at.date() + timedelta(ASSESSMENT_DAYS)
        if assessment == proposed:
            title = f"Confirm or send back 'no impact' of {reference} on {label}"
            recipients = set(officers) - {owner_id}
        else:
            title = f"Assess vendor change {reference} on {label}"
            recipients = {owner_id, *officers} - {None}
        for recipient in sorted(recipients):
            yield Due(
                recipient,
                VENDOR_CHANGE_KIND,
                title,
                link(notice_id),
                due_date,
                f"{pk}:{assessment}",
            )


SOURCES = [
    ReminderSource(
        KIND,
        "Supplier reassessments",
        30,
        supplier_reassessments,
        "The next reassessment date of suppliers not offboarded, to the supplier owner.",
    ),
    ReminderSource(
        VENDOR_CHANGE_KIND,
        "Vendor changes to assess",
        ASSESSMENT_DAYS,
        vendor_change_assessments,
        "Vendor changes not assessed yet (or whose 'no impact' awaits an officer) on high-tier "
        "deployed systems, to the system owner and the governance officers; due a week after "
        "the system was flagged.",
    ),
]
