"""The ISO/IEC 42001 catalogue, the Statement of Applicability, readiness and gaps.
Mounted at /controls/ (namespace "soa")."""

from django.urls import path

from . import views

app_name = "soa"
urlpatterns = [
    path("", views.StatementListView.as_view(), name="statement_list"),
    path("export.csv", views.StatementExportView.as_view(), name="statement_export"),
    path("readiness/", views.ReadinessView.as_view(), name="readiness"),
    path("<int:pk>/", views.StatementDetailView.as_view(), name="statement_detail"),
    path("<int:pk>/edit/", views.StatementEditView.as_view(), name="statement_edit"),
    path("versions/", views.VersionListView.as_view(), name="version_list"),
    path("versions/approve/", views.VersionApproveView.as_view(), name="version_approve"),
    path("versions/compare/", views.VersionCompareView.as_view(), name="version_compare"),
    path("versions/<int:number>/", views.VersionDetailView.as_view(), name="version_detail"),
    path(
        "versions/<int:number>/export.csv",
        views.VersionExportView.as_view(),
        name="version_export",
    ),
]
