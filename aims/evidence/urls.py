"""The evidence library (EVD-) and evidence versions. Mounted at /evidence/; downloads stay at
aims:evidence_download (/evidence/<pk>/download/), which serves old versions too."""

from django.urls import path

from aims.evidence import views

app_name = "evidence"
urlpatterns = [
    path("", views.EvidenceListView.as_view(), name="evidence_list"),
    path("export.csv", views.EvidenceListView.as_view(export="csv"), name="evidence_export"),
    path("export.xlsx", views.EvidenceListView.as_view(export="xlsx"), name="evidence_export_xlsx"),
    path("<int:pk>/", views.EvidenceDetailView.as_view(), name="evidence_detail"),
    path("<int:pk>/replace/", views.EvidenceReplaceView.as_view(), name="evidence_replace"),
]
