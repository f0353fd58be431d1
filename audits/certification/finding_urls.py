"""Pages of the certification body's findings, under /certification/."""

from django.urls import path

from . import finding_views as views

urlpatterns = [
    path("findings/", views.FindingListView.as_view(), name="finding_list"),
    path(
        "findings/export.csv",
        views.FindingListView.as_view(export="csv"),
        name="finding_export",
    ),
    path(
        "findings/export.xlsx",
        views.FindingListView.as_view(export="xlsx"),
        name="finding_export_xlsx",
    ),
    path("findings/<int:pk>/", views.FindingDetailView.as_view(), name="finding_detail"),
    path("findings/<int:pk>/edit/", views.FindingEditView.as_view(), name="finding_edit"),
    path("findings/<int:pk>/respond/", views.FindingRespondView.as_view(), name="finding_respond"),
    path("findings/<int:pk>/close/", views.FindingCloseView.as_view(), name="finding_close"),
    path("findings/<int:pk>/reopen/", views.FindingReopenView.as_view(), name="finding_reopen"),
    path(
        "audits/<int:audit_pk>/findings/new/",
        views.FindingCreateView.as_view(),
        name="finding_create",
    ),
]
