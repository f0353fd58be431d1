"""The webhook event of suppliers (aims.webhooks): a vendor change recorded. Sent once per
change: when its notice is created, not for each further report of the same change."""

from django.conf import settings

from aims.webhooks.events import Event
from aims.webhooks.services import emit

from .models import VendorChangeNotice


def vendor_change_recorded(notice: VendorChangeNotice, url: str) -> None:
    emit(Event.VENDOR_CHANGE_RECORDED, lambda: {"notice": {
        "id": notice.pk, "reference": notice.reference, "supplier": notice.supplier.reference,
        "summary": notice.title, "kind": notice.kind,
        "affected_service": notice.affected_service,
        "systems_to_assess": notice.impacts.count(),
        "url": f"{settings.AIMS_BASE_URL}{url}",
    }})  # fmt: skip
