"""Pages of imports, under /imports/ (namespace "imports")."""

from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.ImportListView.as_view(), name="import_list"),
    path("new/", views.ImportUploadView.as_view(), name="import_create"),
    path("<int:pk>/", views.ImportDetailView.as_view(), name="import_detail"),
    path("<int:pk>/commit/", views.ImportCommitView.as_view(), name="import_commit"),
    path("templates/<slug:kind>.<slug:file_format>", views.ImportTemplateView.as_view(),
         name="import_template"),
]  # fmt: skip
