"""The ISO/IEC 42001 catalogue, the Statement of Applicability, readiness and gaps.
Mounted at /controls/ (namespace "soa")."""

from django.urls import path

from . import gap_views, views

app_name = "soa"
urlpatterns = [
    path("", views.StatementListView.as_view(), name="statement_list"),
    path("export.csv", views.StatementExportView.as_view(), name="statement_export"),
    path("readiness/", views.ReadinessView.as_view(), name="readiness"),
    # gaps: the register of readiness gaps, one gap, its assignment and its update
    path("readiness/gaps/", gap_views.GapRegisterView.as_view(), name="gap_register"),
    path(
        "readiness/gaps/export.csv",
        gap_views.GapRegisterView.as_view(export="csv"),
        name="gap_export",
    ),
    path(
        "readiness/gaps/export.xlsx",
        gap_views.GapRegisterView.as_view(export="xlsx"),
        name="gap_export_xlsx",
    ),
    path(
        "readiness/gaps/<slug:kind>/<str:record>/",
        gap_views.GapDetailView.as_view(),
        name="gap_detail",
    ),
    path(
        "readiness/gaps/<slug:kind>/<str:record>/assign/",
        gap_views.GapAssignView.as_view(),
        name="gap_assign",
    ),
    path(
        "readiness/gaps/<slug:kind>/<str:record>/status/",
        gap_views.GapStatusView.as_view(),
        name="gap_update",
    ),
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
