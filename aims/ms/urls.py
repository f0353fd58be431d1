"""Scope, context, interested parties, policies and objectives in the browser.
Mounted by aims/urls.py at /management-system/."""

from django.urls import path

from aims.ms import objective_views, policy_views, views

app_name = "ms"
urlpatterns = [
    path("", views.OverviewView.as_view(), name="overview"),
    # Scope (4.3)
    path("scope/", views.ScopeView.as_view(), name="scope"),
    path("scope/edit/", views.ScopeEditView.as_view(), name="scope_edit"),
    path("scope/approve/", views.ScopeApproveView.as_view(), name="scope_approve"),
    path("scope/history/", views.ScopeHistoryView.as_view(), name="scope_history"),
    # Interested parties (4.2)
    path("interested-parties/", views.PartyListView.as_view(), name="party_list"),
    path("interested-parties/new/", views.PartyFormView.as_view(), name="party_create"),
    path("interested-parties/<int:pk>/edit/", views.PartyFormView.as_view(), name="party_edit"),
    path(
        "interested-parties/<int:pk>/delete/",
        views.PartyDeleteView.as_view(),
        name="party_delete",
    ),
    # Feedback from interested parties (an input of the management review, 9.3.2)
    path("feedback/", views.FeedbackListView.as_view(), name="feedback_list"),
    path("feedback/new/", views.FeedbackFormView.as_view(), name="feedback_create"),
    path("feedback/<int:pk>/edit/", views.FeedbackFormView.as_view(), name="feedback_edit"),
    path("feedback/<int:pk>/delete/", views.FeedbackDeleteView.as_view(), name="feedback_delete"),
    # Internal and external issues (4.1)
    path("issues/", views.IssueListView.as_view(), name="issue_list"),
    path("issues/new/", views.IssueFormView.as_view(), name="issue_create"),
    path("issues/<int:pk>/edit/", views.IssueFormView.as_view(), name="issue_edit"),
    path("issues/<int:pk>/delete/", views.IssueDeleteView.as_view(), name="issue_delete"),
    # Policies (5.2)
    path("policies/", policy_views.PolicyListView.as_view(), name="policy_list"),
    path("policies/new/", policy_views.PolicyCreateView.as_view(), name="policy_create"),
    path(
        "policies/to-acknowledge/", policy_views.PolicyPendingView.as_view(), name="policy_pending"
    ),
    path("policies/<int:pk>/", policy_views.PolicyDetailView.as_view(), name="policy_detail"),
    path("policies/<int:pk>/edit/", policy_views.PolicyEditView.as_view(), name="policy_edit"),
    path("policies/<int:pk>/read/", policy_views.PolicyReadView.as_view(), name="policy_read"),
    path(
        "policies/<int:pk>/acknowledge/",
        policy_views.PolicyAcknowledgeView.as_view(),
        name="policy_acknowledge",
    ),
    path(
        "policies/<int:pk>/acknowledgements/",
        policy_views.PolicyAcknowledgementsView.as_view(),
        name="policy_acknowledgements",
    ),
    path(
        "policies/<int:pk>/versions/new/",
        policy_views.VersionCreateView.as_view(),
        name="version_create",
    ),
    path("versions/<int:pk>/", policy_views.VersionDetailView.as_view(), name="version_detail"),
    path("versions/<int:pk>/edit/", policy_views.VersionEditView.as_view(), name="version_edit"),
    path(
        "versions/<int:pk>/approve/",
        policy_views.VersionApproveView.as_view(),
        name="version_approve",
    ),
    path(
        "versions/<int:pk>/publish/",
        policy_views.VersionPublishView.as_view(),
        name="version_publish",
    ),
    # Objectives (6.2)
    path("objectives/", objective_views.ObjectiveListView.as_view(), name="objective_list"),
    path("objectives/new/", objective_views.ObjectiveCreateView.as_view(), name="objective_create"),
    path(
        "objectives/<int:pk>/",
        objective_views.ObjectiveDetailView.as_view(),
        name="objective_detail",
    ),
    path(
        "objectives/<int:pk>/edit/",
        objective_views.ObjectiveEditView.as_view(),
        name="objective_edit",
    ),
    path(
        "objectives/<int:pk>/progress/",
        objective_views.ObjectiveProgressView.as_view(),
        name="objective_progress",
    ),
]
