from django.urls import path

from . import trail_views, views

app_name = "audits"
urlpatterns = [
    path("trail/", trail_views.AuditTrailView.as_view(), name="trail"),
    path("packs/", views.PackListView.as_view(), name="pack_list"),
    path("packs/<int:pk>/", views.PackDetailView.as_view(), name="pack_detail"),
    path("packs/<int:pk>/retry/", views.PackRetryView.as_view(), name="pack_retry"),
    path(
        "packs/<int:pk>/download/<str:kind>/",
        views.PackDownloadView.as_view(),
        name="pack_download",
    ),
]
