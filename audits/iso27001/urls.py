"""ISO/IEC 27001 controls and their mappings to ISO/IEC 42001. Mounted at /controls/iso27001/
(namespace "iso27001")."""

from django.urls import path

from . import views

app_name = "iso27001"
urlpatterns = [
    path("", views.ControlListView.as_view(), name="control_list"),
    path("export.csv", views.ControlListView.as_view(export="csv"), name="control_export"),
    path("export.xlsx", views.ControlListView.as_view(export="xlsx"), name="control_export_xlsx"),
    path("<int:pk>/", views.ControlDetailView.as_view(), name="control_detail"),
    path("<int:pk>/edit/", views.ControlEditView.as_view(), name="control_edit"),
    path("mappings/", views.MappingListView.as_view(), name="mapping_list"),
    path(
        "mappings/export.csv",
        views.MappingListView.as_view(export="csv"),
        name="mapping_export",
    ),
    path(
        "mappings/export.xlsx",
        views.MappingListView.as_view(export="xlsx"),
        name="mapping_export_xlsx",
    ),
    path("mappings/add/", views.MappingCreateView.as_view(), name="mapping_add"),
    path("mappings/<int:pk>/", views.MappingDetailView.as_view(), name="mapping_detail"),
    path("mappings/<int:pk>/review/", views.MappingReviewView.as_view(), name="mapping_review"),
    path("mappings/<int:pk>/reject/", views.MappingRejectView.as_view(), name="mapping_reject"),
]
