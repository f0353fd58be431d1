"""Evidence-pack pages, mounted under /audits/ in the "audits" namespace (see audits.urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("packs/", views.PackListView.as_view(), name="pack_list"),
    path("packs/<int:pk>/", views.PackDetailView.as_view(), name="pack_detail"),
    path("packs/<int:pk>/retry/", views.PackRetryView.as_view(), name="pack_retry"),
    path(
        "packs/<int:pk>/download/<str:kind>/",
        views.PackDownloadView.as_view(),
        name="pack_download",
    ),
]
