from django.urls import path

from . import views

app_name = "risk"
urlpatterns = [
    path("", views.RegisterView.as_view(), name="register"),
    path("export.csv", views.RegisterView.as_view(export="csv"), name="register_export"),
    path("export.xlsx", views.RegisterView.as_view(export="xlsx"), name="register_export_xlsx"),
    path("methodology/", views.MethodologyView.as_view(), name="methodology"),
    path("requirements/", views.RequirementsView.as_view(), name="requirements"),
    path("systems/<int:pk>/", views.SystemRiskView.as_view(), name="system_risk"),
    path("obligation-dates/", views.ObligationDatesView.as_view(), name="obligation_dates"),
    path("systems/<int:pk>/classify/", views.ClassifyView.as_view(), name="classify"),
    path(
        "classifications/<int:pk>/confirm/",
        views.ConfirmClassificationView.as_view(),
        name="classification_confirm",
    ),
    path("systems/<int:pk>/risks/add/", views.RiskCreateView.as_view(), name="risk_create"),
    path(
        "systems/<int:pk>/assessments/add/",
        views.AssessmentCreateView.as_view(),
        name="assessment_create",
    ),
    path("systems/<int:pk>/impact/add/", views.ImpactCreateView.as_view(), name="impact_create"),
    path("risks/<int:pk>/", views.RiskDetailView.as_view(), name="risk_detail"),
    path("risks/<int:pk>/edit/", views.RiskEditView.as_view(), name="risk_edit"),
    path("risks/<int:pk>/accept/", views.RiskAcceptView.as_view(), name="risk_accept"),
    path("risks/<int:pk>/actions/add/", views.ActionCreateView.as_view(), name="action_create"),
    path("actions/<int:pk>/edit/", views.ActionEditView.as_view(), name="action_edit"),
    path("assessments/<int:pk>/", views.AssessmentDetailView.as_view(), name="assessment_detail"),
    path("impact/<int:pk>/", views.ImpactDetailView.as_view(), name="impact_detail"),
    path("impact/<int:pk>/edit/", views.ImpactEditView.as_view(), name="impact_edit"),
    path("impact/<int:pk>/sign-off/", views.ImpactSignOffView.as_view(), name="impact_signoff"),
]
