"""Reminders of suppliers: due-diligence reassessments (found by aims.reminders.sweep.run_sweep)."""

from collections.abc import Iterator
from datetime import date

from aims.models import format_reference
from aims.reminders.sources import Due, ReminderSource, horizon, url_for

from .models import Supplier, SupplierStatus

KIND = "supplier-reassessment"


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


SOURCES = [
    ReminderSource(
        KIND,
        "Supplier reassessments",
        30,
        supplier_reassessments,
        "The next reassessment date of suppliers not offboarded, to the supplier owner.",
    ),
]
