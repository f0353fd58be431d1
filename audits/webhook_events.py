"""The webhook event of audits found by the daily sweep (aims.webhooks.sweep): the readiness
for certification changed. (An evidence pack ready is raised by its service, audits.packs.)

"Changed" means the count of requirements and controls that are ready, or their total,
differs from the figures last announced: the percentage follows from these two, and they move
only when a statement, its owner, its evidence or the calendar (evidence expiring) does. The
readiness is computed once per sweep (a few queries, ``audits.soa.readiness``); the first
sweep records the figures without announcing them, as there is nothing to compare yet.
"""

from datetime import date, datetime

from django.conf import settings
from django.urls import reverse

from aims.webhooks.events import Event
from aims.webhooks.services import emit
from aims.webhooks.sweep import changed, record_change

from .soa.readiness import readiness

#: The once-only key under which the last announced figures are kept.
READINESS_KEY = str(Event.READINESS_CHANGED)


def _summary(figures: dict, previous: dict) -> str:
    return (
        f"{figures['percent']}% ready ({figures['ready']} of {figures['total']} requirements "
        f"and controls), was {previous['percent']}% ({previous['ready']} of {previous['total']})"
    )


def readiness_changed(today: date, now: datetime) -> int:
    state = readiness(today=today)
    figures = {"percent": state.percent, "ready": state.ready, "total": state.total,
               "not_ready": state.total - state.ready}  # fmt: skip
    previous = record_change(READINESS_KEY, figures)
    if not changed(previous):
        return 0
    emit(Event.READINESS_CHANGED, lambda: {
        "readiness": {
            **figures, "as_of": today.isoformat(), "summary": _summary(figures, previous),
            "url": f"{settings.AIMS_BASE_URL}{reverse('soa:readiness')}",
        },
        "previous": previous,
    })  # fmt: skip
    return 1


SWEEP_CHECKS = {Event.READINESS_CHANGED: readiness_changed}
