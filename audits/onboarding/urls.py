"""The first run, mounted at /start/ (namespace "onboarding")."""

from django.urls import path

from . import views

app_name = "onboarding"
urlpatterns = [
    path("", views.StartView.as_view(), name="start"),
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("scope/", views.ScopeView.as_view(), name="scope"),
    path("systems/", views.SystemsView.as_view(), name="systems"),
    path("assessment/", views.AssessmentStartView.as_view(), name="assessment"),
    path(
        "assessment/<str:code>/",
        views.AssessmentSectionView.as_view(),
        name="assessment_section",
    ),
    path("plan/", views.PlanView.as_view(), name="plan"),
]
