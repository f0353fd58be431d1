"""History battery entry for the trends' daily snapshot: an officer takes today's snapshot
by hand, through the service and through the API (the daily task takes it without an actor)."""

from aims.trends.models import DailySnapshot
from aims.trends.services import take_snapshot

from .battery_framework import Entry, api

BATTERY = {
    DailySnapshot: Entry(
        actor="officer",
        stage="deployed",
        create=lambda w: take_snapshot(actor=w.officer),
        api_create=lambda w: ("post", api("trends-snapshot"), {}, "json"),
        api_bad=lambda w: ("post", api("trends-snapshot"), {"day": "not a day"}, "json"),
        api_result=lambda body: DailySnapshot.objects.get(pk=body["id"]),
    ),
}
