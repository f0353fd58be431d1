"""History battery entry for reminder rules: seeded, one per kind, so their one write is the
officer's change of lead time (as for gate settings)."""

from django.db.models import Model

from aims.models import ReminderRule
from aims.reminders import services as reminder_services
from aims.reminders.sources import ensure_rules

from .battery_framework import Entry, api, by_id


def _rule() -> ReminderRule:
    return ensure_rules()["risk-review"]


BATTERY: dict[type[Model], Entry] = {
    ReminderRule: Entry(
        actor="officer",
        stage="intake_submitted",
        create=lambda w: reminder_services.reminder_rule_update(
            actor=w.officer, rule=_rule(), lead_days=_rule().lead_days + 1, enabled=True
        ),
        api_create=lambda w: (
            "patch",
            api("reminderrule-detail", _rule().pk),
            {"lead_days": _rule().lead_days + 2},
            "json",
        ),
        api_bad=lambda w: (
            "patch",
            api("reminderrule-detail", _rule().pk),
            {"lead_days": 999},
            "json",
        ),
        api_result=by_id(ReminderRule),
    ),
}
