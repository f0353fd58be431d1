"""Reminder rules and sweeps: API routes under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from aims.reminders.api import views as reminder_views

router = SimpleRouter()
router.register("reminder-rules", reminder_views.ReminderRuleViewSet, basename="reminderrule")
router.register("schedules", reminder_views.ScheduleViewSet, basename="schedule")

urlpatterns = [
    *router.urls,
    path("reminder-sweeps/", reminder_views.SweepView.as_view(), name="reminder-sweep"),
]
