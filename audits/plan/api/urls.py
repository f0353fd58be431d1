"""The 90-day plan: API routes under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("plan-tasks", views.PlanTaskViewSet, basename="plantask")

urlpatterns = [
    path("plan/generate/", views.PlanGenerateView.as_view(), name="plan-generate"),
    path("plan/progress/", views.PlanProgressView.as_view(), name="plan-progress"),
    *router.urls,
]
