"""Audit programmes, internal audits, findings and management reviews, mounted at
/internal-audits/ (namespace "internal_audits"); the review pages are in
:mod:`audits.reviews.urls`."""

from django.urls import path

from ..reviews.urls import urlpatterns as review_patterns
from . import views

app_name = "internal_audits"
urlpatterns = [
    path("", views.AuditListView.as_view(), name="audit_list"),
    path("add/", views.AuditCreateView.as_view(), name="audit_create"),
    path("<int:pk>/", views.AuditDetailView.as_view(), name="audit_detail"),
    path("<int:pk>/edit/", views.AuditEditView.as_view(), name="audit_edit"),
    path(
        "<int:pk>/checklist/generate/",
        views.AuditGenerateChecklistView.as_view(),
        name="audit_checklist_generate",
    ),
    path(
        "<int:pk>/action/<str:action>/",
        views.AuditTransitionView.as_view(),
        name="audit_transition",
    ),
    path("<int:pk>/findings/add/", views.FindingCreateView.as_view(), name="finding_create"),
    path("checklist/<int:pk>/", views.ChecklistRecordView.as_view(), name="checklist_record"),
    path("programmes/", views.ProgrammeListView.as_view(), name="programme_list"),
    path("programmes/add/", views.ProgrammeCreateView.as_view(), name="programme_create"),
    path("programmes/<int:pk>/", views.ProgrammeDetailView.as_view(), name="programme_detail"),
    path("programmes/<int:pk>/edit/", views.ProgrammeEditView.as_view(), name="programme_edit"),
    path("findings/", views.FindingListView.as_view(), name="finding_list"),
    path("findings/export.csv", views.FindingListView.as_view(export="csv"), name="finding_export"),
    path(
        "findings/export.xlsx",
        views.FindingListView.as_view(export="xlsx"),
        name="finding_export_xlsx",
    ),
    path("findings/<int:pk>/", views.FindingDetailView.as_view(), name="finding_detail"),
    path("findings/<int:pk>/edit/", views.FindingEditView.as_view(), name="finding_edit"),
    path("findings/<int:pk>/capa/", views.FindingCapaView.as_view(), name="finding_capa"),
    path("findings/<int:pk>/close/", views.FindingCloseView.as_view(), name="finding_close"),
    *review_patterns,
]
