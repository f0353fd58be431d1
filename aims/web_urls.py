from django.urls import path

from aims.evidence import views as evidence_views
from aims.notifications import views as notification_views
from aims.search import views as search_views
from aims.trends import views as trends_views

from . import views

app_name = "aims"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("dashboard/summary/", trends_views.SummaryView.as_view(), name="dashboard_summary"),
    path(
        "dashboard/summary.pdf", trends_views.SummaryPdfView.as_view(), name="dashboard_summary_pdf"
    ),
    path("search/", search_views.SearchView.as_view(), name="search"),
    path(
        "notifications/",
        notification_views.NotificationListView.as_view(),
        name="notification_list",
    ),
    path(
        "evidence/<int:pk>/download/",
        evidence_views.EvidenceDownloadView.as_view(),
        name="evidence_download",
    ),
    path(
        "evidence/attach/<str:label>/<int:pk>/",
        evidence_views.EvidenceAttachView.as_view(),
        name="evidence_attach",
    ),
]
