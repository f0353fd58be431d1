from django.urls import path

from . import views

app_name = "aims"
urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("notifications/", views.NotificationListView.as_view(), name="notification_list"),
    path(
        "evidence/<int:pk>/download/",
        views.EvidenceDownloadView.as_view(),
        name="evidence_download",
    ),
    path(
        "evidence/attach/<str:label>/<int:pk>/",
        views.EvidenceAttachView.as_view(),
        name="evidence_attach",
    ),
]
