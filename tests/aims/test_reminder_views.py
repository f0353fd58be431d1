"""The reminder settings page and API: officers change lead times and schedules and run the
sweep; auditors read; bad input is a form error or a 400; the bell's count and mark-read."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from aims.models import Notification, ReminderRule
from aims.notifications.services import notify
from aims.reminders.schedules import choice_from_crontab
from aims.reminders.sources import ensure_rules
from inventory.models import AISystem

pytestmark = pytest.mark.django_db
URL = "/reminders/"


@pytest.fixture
def rules(db):
    return ensure_rules()


def rule_data(rules, **changes) -> dict:
    """The settings form as posted, with ``changes`` ({kind: (lead_days, enabled)})."""
    data = {}
    for rule in ReminderRule.objects.all():
        lead_days, enabled = changes.get(rule.kind, (rule.lead_days, rule.enabled))
        data[f"rule-{rule.pk}-lead_days"] = lead_days
        if enabled:
            data[f"rule-{rule.pk}-enabled"] = "on"
    return data


def sweep_task() -> PeriodicTask:
    return PeriodicTask.objects.select_related("crontab").get(task="aims.tasks.run_reminder_sweep")


def schedule_data(**changes) -> dict:
    """The schedules form as posted, with ``changes`` ({task: (fields, enabled)}): the
    other tasks keep the schedule they have ("keep" when no choice describes it)."""
    data = {}
    for task in PeriodicTask.objects.select_related("crontab").exclude(crontab=None):
        choice = choice_from_crontab(task.crontab)
        fields = {"frequency": choice.frequency if choice else "keep"}
        if choice and choice.every:
            fields["every_hours" if choice.frequency == "hours" else "every_minutes"] = choice.every
        if choice and choice.at:
            fields["at"] = f"{choice.at:%H:%M}"
        if choice and choice.day:
            fields["day"] = choice.day
        fields, enabled = changes.get(task.task, (fields, task.enabled))
        for name, value in fields.items():
            data[f"task-{task.pk}-{name}"] = value
        if enabled:
            data[f"task-{task.pk}-enabled"] = "on"
    return data


# --- The page -------------------------------------------------------------------------------


def test_officer_sees_rules_schedules_and_the_run_button(client_as, officer, rules):
    response = client_as(officer).get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "AI system reviews" in html and "Daily reminder sweep" in html
    assert "Run the sweep now" in html and "Save reminder rules" in html
    assert 'for="id_rule-' in html  # every input has a label


def test_officer_changes_lead_days_and_switches_a_rule_off(client_as, officer, rules):
    response = client_as(officer).post(
        URL, rule_data(rules, **{"risk-review": (21, True), "policy-review": (30, False)})
    )
    assert response.status_code == 302
    assert ReminderRule.objects.get(kind="risk-review").lead_days == 21
    assert ReminderRule.objects.get(kind="policy-review").enabled is False
    latest = ReminderRule.objects.get(kind="risk-review").history.latest()
    assert latest.history_user == officer and "21" in latest.history_change_reason


@pytest.mark.parametrize("value", [-1, 366, "soon", ""])
def test_lead_days_outside_0_to_365_are_refused(client_as, officer, rules, value):
    before = ReminderRule.objects.get(kind="risk-review").lead_days
    response = client_as(officer).post(URL, rule_data(rules, **{"risk-review": (value, True)}))
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    assert ReminderRule.objects.get(kind="risk-review").lead_days == before


def test_auditor_reads_but_cannot_change(client_as, auditor, rules):
    client = client_as(auditor)
    html = client.get(URL).content.decode()
    assert "Daily reminder sweep" in html
    assert "Save reminder rules" not in html and "Run the sweep now" not in html
    assert " disabled" in html
    assert client.post(URL, rule_data(rules, **{"risk-review": (1, True)})).status_code == 403
    assert client.post(reverse("reminders:schedules"), schedule_data()).status_code == 403
    assert client.post(reverse("reminders:run")).status_code == 403
    assert ReminderRule.objects.get(kind="risk-review").lead_days == 14


def test_approver_sees_rules_but_not_schedules(client_as, approver, rules):
    html = client_as(approver).get(URL).content.decode()
    assert "AI system reviews" in html and "Daily reminder sweep" not in html


def test_owner_and_people_without_role_are_refused(client_as, owner, nobody, rules):
    for user in (owner, nobody):
        assert client_as(user).get(URL).status_code == 403


def test_officer_moves_and_pauses_the_daily_sweep(client_as, officer, rules):
    shared = sweep_task().crontab
    response = client_as(officer).post(
        reverse("reminders:schedules"),
        schedule_data(
            **{"aims.tasks.run_reminder_sweep": ({"frequency": "daily", "at": "07:30"}, False)}
        ),
    )
    assert response.status_code == 302
    task = sweep_task()
    assert (task.crontab.hour, task.crontab.minute, task.enabled) == ("7", "30", False)
    shared.refresh_from_db()
    assert (shared.hour, shared.minute) == ("6", "0")  # the old crontab row is not rewritten


def test_a_bad_time_is_a_form_error_in_words(client_as, officer, rules):
    response = client_as(officer).post(
        reverse("reminders:schedules"),
        schedule_data(
            **{"aims.tasks.run_reminder_sweep": ({"frequency": "daily", "at": "25:00"}, True)}
        ),
    )
    assert response.status_code == 400
    assert "Give the time of day as hours and minutes, e.g. 06:30." in response.content.decode()
    assert sweep_task().crontab.hour == "6"


def test_run_now_sweeps_in_process_without_a_broker(
    client_as, officer, owner, system, rules, django_capture_on_commit_callbacks
):
    AISystem.objects.filter(pk=system.pk).update(
        next_review_date=timezone.localdate() + timedelta(days=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as(officer).post(reverse("reminders:run"), follow=True)
    assert "Sweep done: 1 new notification(s), 1 digest email(s)." in response.content.decode()
    assert Notification.objects.filter(recipient=owner).exclude(dedupe_key="").count() == 1
    assert [m.to for m in mail.outbox] == [[owner.email]]


def test_the_page_reads_a_constant_number_of_queries(
    client_as, officer, rules, django_assert_max_num_queries
):
    client = client_as(officer)
    client.get(URL)
    with django_assert_max_num_queries(12):
        client.get(URL)


# --- API ------------------------------------------------------------------------------------


def test_api_lists_rules_to_readers_only(api_as, auditor, owner, rules):
    body = api_as(auditor).get("/api/v1/reminder-rules/").json()
    kinds = {row["kind"] for row in body}
    assert "system-review" in kinds
    assert all(row["description"] for row in body)
    assert api_as(owner).get("/api/v1/reminder-rules/").json() == []


def test_api_officer_patches_a_rule(api_as, officer, rules):
    rule = ReminderRule.objects.get(kind="capa-due")
    response = api_as(officer).patch(
        f"/api/v1/reminder-rules/{rule.pk}/", {"lead_days": 3}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["lead_days"] == 3 and response.json()["enabled"] is True
    response = api_as(officer).patch(
        f"/api/v1/reminder-rules/{rule.pk}/", {"lead_days": 400}, format="json"
    )
    assert response.status_code == 400
    assert "lead_days" in response.json()["extra"]["fields"]


def test_api_auditor_cannot_patch_or_sweep(api_as, auditor, rules):
    rule = ReminderRule.objects.get(kind="capa-due")
    client = api_as(auditor)
    assert client.patch(f"/api/v1/reminder-rules/{rule.pk}/", {"lead_days": 3}).status_code == 403
    assert client.post("/api/v1/reminder-sweeps/").status_code == 403


def test_api_sweep_answers_its_counts(api_as, officer, owner, system, rules):
    AISystem.objects.filter(pk=system.pk).update(next_review_date=timezone.localdate())
    body = api_as(officer).post("/api/v1/reminder-sweeps/").json()
    assert body["queued"] is False
    assert body["created"]["system-review"] == 1 and body["total_created"] >= 1
    again = api_as(officer).post("/api/v1/reminder-sweeps/").json()
    assert again["total_created"] == 0


# --- Notifications: the bell ----------------------------------------------------------------


def test_unread_count_and_mark_all_read(api_as, client_as, owner, officer):
    notify(recipients=[owner], title="First")
    notify(recipients=[owner], title="Second")
    notify(recipients=[officer], title="Not yours")
    api = api_as(owner)
    assert api.get("/api/v1/notifications/unread-count/").json() == {"unread": 2}
    first = Notification.objects.get(title="First")
    api.post("/api/v1/notifications/mark-read/", {"ids": [first.pk]}, format="json")
    assert api.get("/api/v1/notifications/unread-count/").json() == {"unread": 1}
    client = client_as(owner)
    assert 'id="unread-count">1' in client.get("/notifications/").content.decode()
    client.post("/notifications/", {})
    assert api.get("/api/v1/notifications/unread-count/").json() == {"unread": 0}
    assert Notification.objects.get(title="Not yours").read_at is None


def test_notification_list_filters_unread(client_as, owner):
    notify(recipients=[owner], title="Old news")
    notify(recipients=[owner], title="Fresh news")
    Notification.objects.filter(title="Old news").update(read_at=timezone.now())
    html = client_as(owner).get("/notifications/?unread=1").content.decode()
    assert "Fresh news" in html and "Old news" not in html
