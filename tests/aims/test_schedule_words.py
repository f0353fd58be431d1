"""Schedules in words: officers pick "every 15 minutes" or "every day at 06:30" in the page
and the API; the stored crontab follows; what is stored reads back in words, never as cron
syntax; bad input is refused in words and changes nothing."""

from datetime import time

import pytest
from django.urls import reverse
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from aims.reminders import schedules
from aims.reminders.sources import ensure_rules

pytestmark = pytest.mark.django_db
URL = "/reminders/"
SWEEP = "aims.tasks.run_reminder_sweep"
STALENESS = "incidents.tasks.check_metric_staleness"


@pytest.fixture(autouse=True)
def rules(db):
    return ensure_rules()


def task(name: str = SWEEP) -> PeriodicTask:
    return PeriodicTask.objects.select_related("crontab").get(task=name)


def cron(t: PeriodicTask) -> tuple:
    c = t.crontab
    return c.minute, c.hour, c.day_of_week, c.day_of_month, c.month_of_year


def form_data(**changes) -> dict:
    """Every task kept as it is, except ``changes`` ({task: {field: value}})."""
    data = {}
    for t in PeriodicTask.objects.exclude(crontab=None):
        for name, value in changes.get(t.task, {"frequency": "keep"}).items():
            data[f"task-{t.pk}-{name}"] = value
        if t.enabled:
            data[f"task-{t.pk}-enabled"] = "on"
    return data


def test_the_page_shows_schedules_in_words_and_no_cron(client_as, officer):
    html = client_as(officer).get(URL).content.decode()
    assert "Every 5 minutes" in html  # the staleness check, stored as */5
    assert "Every day at 06:00" in html  # the sweep
    assert "*/5" not in html and "Hour(s)" not in html
    assert '<label class="form-label small mb-0" for="id_task-' in html


def test_every_15_minutes_round_trips_through_the_page(client_as, officer):
    client = client_as(officer)
    response = client.post(
        reverse("reminders:schedules"),
        form_data(**{SWEEP: {"frequency": "minutes", "every_minutes": "15"}}),
    )
    assert response.status_code == 302
    assert cron(task()) == ("*/15", "*", "*", "*", "*")
    html = client.get(URL).content.decode()
    assert "Now: <strong>Every 15 minutes</strong>" in html


def test_weekly_choice_is_stored_with_its_day(client_as, officer):
    data = {"frequency": "weekly", "at": "07:30", "day": "monday"}
    response = client_as(officer).post(reverse("reminders:schedules"), form_data(**{SWEEP: data}))
    assert response.status_code == 302
    assert cron(task()) == ("30", "7", "1", "*", "*")
    assert schedules.describe_crontab(task().crontab) == "Every Monday at 07:30"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"frequency": "minutes", "every_minutes": "7"}, "Select a valid choice"),
        ({"frequency": "daily", "at": ""}, "Give the time of day, e.g. 06:30."),
        ({"frequency": "weekly", "at": "07:00", "day": ""}, "Choose the day of the week."),
        ({"frequency": "fortnightly"}, "Select a valid choice"),
    ],
)
def test_bad_choices_are_refused_in_words_and_change_nothing(client_as, officer, data, message):
    before = cron(task())
    response = client_as(officer).post(reverse("reminders:schedules"), form_data(**{SWEEP: data}))
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'aria-invalid="true"' in html
    assert cron(task()) == before


def test_an_unusual_stored_schedule_is_shown_in_words_and_kept(client_as, officer):
    odd, _ = CrontabSchedule.objects.get_or_create(
        minute="0,30", hour="6-18", day_of_week="1-5", day_of_month="*", month_of_year="*"
    )
    PeriodicTask.objects.filter(task=SWEEP).update(crontab=odd)
    client = client_as(officer)
    html = client.get(URL).content.decode()
    words = "Runs at minute 0 and 30 past the hour, at hour 6 to 18 of the day, on Monday to Friday"
    assert words in html and "0,30" not in html and "6-18" not in html
    assert client.post(reverse("reminders:schedules"), form_data()).status_code == 302
    assert cron(task()) == ("0,30", "6-18", "1-5", "*", "*")


def test_auditor_cannot_change_a_schedule(client_as, api_as, auditor):
    before = cron(task())
    data = form_data(**{SWEEP: {"frequency": "minutes", "every_minutes": "15"}})
    assert client_as(auditor).post(reverse("reminders:schedules"), data).status_code == 403
    url = reverse("api:schedule-detail", args=[task().pk])
    response = api_as(auditor).patch(url, {"frequency": "minutes", "every": 15}, format="json")
    assert response.status_code == 403
    assert cron(task()) == before


# --- API --------------------------------------------------------------------------------------


def test_api_lists_schedules_as_choices_and_words(api_as, officer):
    response = api_as(officer).get(reverse("api:schedule-list"))
    assert response.status_code == 200
    rows = {row["name"]: row for row in response.json()}
    staleness = rows["Monitoring staleness check"]
    assert (staleness["frequency"], staleness["every"]) == ("minutes", 5)
    assert staleness["schedule"] == "Every 5 minutes"
    sweep = rows["Daily reminder sweep"]
    assert (sweep["frequency"], sweep["at"], sweep["day"]) == ("daily", "06:00", None)


def test_api_every_15_minutes_round_trips(api_as, officer):
    client = api_as(officer)
    url = reverse("api:schedule-detail", args=[task().pk])
    response = client.patch(url, {"frequency": "minutes", "every": 15}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["schedule"] == "Every 15 minutes"
    assert cron(task()) == ("*/15", "*", "*", "*", "*")
    assert client.get(url).json()["every"] == 15


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"frequency": "minutes", "every": 7}, "every", "Choose how many minutes apart"),
        ({"frequency": "daily"}, "at", "Give the time of day, e.g. 06:30."),
        ({"frequency": "daily", "at": "25:99"}, "at", "Give the time of day as hours"),
        ({"frequency": "weekly", "at": "07:00"}, "day", "Choose the day of the week."),
        ({"at": "07:00"}, "frequency", "Say how often as well"),
        ({"minute": "*/5"}, None, None),
    ],
)
def test_api_bad_input_is_a_400_in_words_and_changes_nothing(api_as, officer, data, field, message):
    before = cron(task())
    url = reverse("api:schedule-detail", args=[task().pk])
    response = api_as(officer).patch(url, data, format="json")
    assert response.status_code == 400
    if field:
        assert message in " ".join(response.json()["extra"]["fields"][field])
    assert cron(task()) == before


def test_api_switches_a_task_off_and_keeps_its_time(api_as, officer):
    before = cron(task(STALENESS))
    url = reverse("api:schedule-detail", args=[task(STALENESS).pk])
    response = api_as(officer).patch(url, {"enabled": False}, format="json")
    assert response.status_code == 200
    assert task(STALENESS).enabled is False and cron(task(STALENESS)) == before


def test_choices_map_to_crontabs_and_back():
    for choice in [
        schedules.ScheduleChoice("minutes", every=1),
        schedules.ScheduleChoice("hours", every=6),
        schedules.ScheduleChoice("daily", at=time(2, 30)),
        schedules.ScheduleChoice("weekly", at=time(9, 0), day="sunday"),
    ]:
        stored = CrontabSchedule(**choice.crontab())
        assert schedules.choice_from_crontab(stored) == choice
    assert schedules.ScheduleChoice("hours", every=6).words() == "Every 6 hours"
