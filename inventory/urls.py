from django.urls import path

from . import intake_views, views
from .bom import views as bom_views
from .registry import views as registry_views

app_name = "inventory"
urlpatterns = [
    path("", views.SystemListView.as_view(), name="system_list"),
    path("export.csv", views.SystemListView.as_view(export="csv"), name="system_export"),
    path("export.xlsx", views.SystemListView.as_view(export="xlsx"), name="system_export_xlsx"),
    path("intake/", views.SystemIntakeView.as_view(), name="system_intake"),
    # The guided intake (journey): steps saved as drafts, resumable, deletable.
    path("intake/new/", intake_views.IntakeStartView.as_view(), name="intake_start"),
    path("intake/drafts/", intake_views.IntakeDraftListView.as_view(), name="intake_drafts"),
    path(
        "intake/drafts/<int:pk>/step/<int:step>/",
        intake_views.IntakeDraftStepView.as_view(),
        name="intake_draft_step",
    ),
    path(
        "intake/drafts/<int:pk>/delete/",
        intake_views.IntakeDraftDeleteView.as_view(),
        name="intake_draft_delete",
    ),
    path("intake/similar/", intake_views.SimilarSystemsView.as_view(), name="intake_similar"),
    path("gates/", views.GateSettingsView.as_view(), name="gate_settings"),
    # Components followed in an MLflow model registry (inventory.registry).
    path("model-registry/", registry_views.LinkListView.as_view(), name="registry_link_list"),
    path(
        "model-registry/<int:pk>/sync/",
        registry_views.LinkSyncView.as_view(),
        name="registry_link_sync",
    ),
    path(
        "model-registry/<int:pk>/delete/",
        registry_views.LinkDeleteView.as_view(),
        name="registry_link_delete",
    ),
    path(
        "<int:pk>/components/<int:child>/registry/",
        registry_views.ComponentLinkView.as_view(),
        name="registry_link_edit",
    ),
    path("<int:pk>/", views.SystemDetailView.as_view(), name="system_detail"),
    path("<int:pk>/edit/", views.SystemEditView.as_view(), name="system_edit"),
    path(
        "<int:pk>/action/<str:action>/",
        views.SystemTransitionView.as_view(),
        name="system_transition",
    ),
    path("<int:pk>/triage/", views.SystemTriageView.as_view(), name="system_triage"),
    path("<int:pk>/decide/", views.ApprovalDecideView.as_view(), name="approval_decide"),
    path("<int:pk>/components/add/", views.ComponentFormView.as_view(), name="component_add"),
    path(
        "<int:pk>/components/prefill/",
        bom_views.ComponentPrefillView.as_view(),
        name="component_prefill",
    ),
    path(
        "<int:pk>/bom/download/",
        bom_views.SystemBomDownloadView.as_view(),
        name="system_bom_download",
    ),
    path("<int:pk>/bom/import/", bom_views.SystemBomImportView.as_view(), name="system_bom_import"),
    path(
        "<int:pk>/components/<int:child>/edit/",
        views.ComponentFormView.as_view(),
        name="component_edit",
    ),
    path(
        "<int:pk>/components/<int:child>/delete/",
        views.ComponentDeleteView.as_view(),
        name="component_delete",
    ),
    path("<int:pk>/datasets/add/", views.DatasetFormView.as_view(), name="dataset_add"),
    path(
        "<int:pk>/datasets/<int:child>/edit/", views.DatasetFormView.as_view(), name="dataset_edit"
    ),
    path(
        "<int:pk>/datasets/<int:child>/delete/",
        views.DatasetDeleteView.as_view(),
        name="dataset_delete",
    ),
    path("<int:pk>/validation/add/", views.ValidationCreateView.as_view(), name="validation_add"),
    path(
        "<int:pk>/validation/<int:child>/review/",
        views.ValidationReviewView.as_view(),
        name="validation_review",
    ),
    path(
        "<int:pk>/conditions/<int:child>/met/",
        views.ConditionCloseView.as_view(),
        {"outcome": "met"},
        name="condition_met",
    ),
    path(
        "<int:pk>/conditions/<int:child>/waive/",
        views.ConditionCloseView.as_view(),
        {"outcome": "waived"},
        name="condition_waive",
    ),
    path(
        "<int:pk>/changes/add/", views.ChangeRequestCreateView.as_view(), name="change_request_add"
    ),
    path(
        "<int:pk>/changes/<int:child>/decide/",
        views.ChangeRequestDecideView.as_view(),
        name="change_request_decide",
    ),
    path("<int:pk>/<str:tab>/", views.SystemDetailView.as_view(), name="system_tab"),
]
