"""Scope, context, policies, responsibilities and objectives: API routes under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from aims.ms.api import views

router = SimpleRouter()
router.register("interested-parties", views.InterestedPartyViewSet, basename="interestedparty")
router.register("party-feedback", views.PartyFeedbackViewSet, basename="partyfeedback")
router.register("context-issues", views.ContextIssueViewSet, basename="contextissue")
router.register("policies", views.PolicyViewSet, basename="policy")
router.register("policy-versions", views.PolicyVersionViewSet, basename="policyversion")
router.register("objectives", views.ObjectiveViewSet, basename="objective")

urlpatterns = [
    path(
        "organisation-profile/",
        views.OrganisationProfileView.as_view(),
        name="organisation-profile",
    ),
    path("scope/", views.ScopeView.as_view(), name="scope"),
    path("scope/approve/", views.ScopeApproveView.as_view(), name="scope-approve"),
    path("scope/history/", views.ScopeHistoryView.as_view(), name="scope-history"),
    *router.urls,
]
