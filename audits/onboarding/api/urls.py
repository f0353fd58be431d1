"""First-run routes under /api/v1/ (namespace "api")."""

from django.urls import path

from . import views

urlpatterns = [
    path("first-run/", views.FirstRunView.as_view(), name="first-run"),
    path("gap-assessment/", views.GapAssessmentView.as_view(), name="gap-assessment"),
]
