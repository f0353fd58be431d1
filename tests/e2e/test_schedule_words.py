"""An officer moves a scheduled task in words, in a real browser: "every 15 minutes" is
picked, saved and shown back in words; a daily time left empty is refused in words."""

import json

import pytest
from django_celery_beat.models import PeriodicTask
from playwright.sync_api import expect

from aims.reminders.services import ensure_schedules
from aims.reminders.sources import ensure_rules
from aims.roles import OFFICER
from tests.factories import user_with_role

from .test_axe import SIDEWAYS, axe_violations

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_officer_picks_every_15_minutes_in_words(login):
    ensure_rules()
    ensure_schedules()
    sweep = PeriodicTask.objects.get(task="aims.tasks.run_reminder_sweep")
    page = login(user_with_role(OFFICER, username="officer_e2e"))
    page.goto("/reminders/")
    row = page.locator("tr", has_text="Daily reminder sweep")
    expect(row.get_by_test_id("schedule-words")).to_have_text("Now: Every day at 06:00")

    row.get_by_label("How often").select_option(label="Every few minutes")
    row.get_by_label("Minutes apart").select_option(label="15 minutes")
    page.get_by_role("button", name="Save schedules").click()
    row = page.locator("tr", has_text="Daily reminder sweep")
    expect(row.get_by_test_id("schedule-words")).to_have_text("Now: Every 15 minutes")
    sweep.refresh_from_db()
    assert (sweep.crontab.minute, sweep.crontab.hour) == ("*/15", "*")

    row.get_by_label("How often").select_option(label="Every day")
    row.get_by_label("Time of day").fill("")
    page.get_by_role("button", name="Save schedules").click()
    expect(page.get_by_role("main")).to_contain_text("Give the time of day, e.g. 06:30.")
    sweep.refresh_from_db()
    assert sweep.crontab.minute == "*/15"


def test_the_schedule_picker_is_accessible_and_fits_a_phone(login):
    ensure_rules()
    ensure_schedules()
    page = login(user_with_role(OFFICER, username="officer_e2e"))
    page.goto("/reminders/")
    violations = axe_violations(page)
    assert violations == [], json.dumps(violations)
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto("/reminders/")
    measure = page.evaluate(SIDEWAYS)
    assert measure["scrollWidth"] <= measure["clientWidth"], measure
