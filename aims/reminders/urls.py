"""Reminder rules and schedules. Mounted by aims/urls.py at /reminders/."""

from django.urls import path

from aims.reminders import views as reminder_views

app_name = "reminders"
urlpatterns = [
    path("", reminder_views.ReminderSettingsView.as_view(), name="settings"),
    path("schedules/", reminder_views.ScheduleSaveView.as_view(), name="schedules"),
    path("run/", reminder_views.SweepRunView.as_view(), name="run"),
]
