"""risk routes under /api/v1/ (included by aims.api.urls, namespace "api")."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("risk-methodology", views.MethodologyViewSet, basename="methodology")
router.register("tier-requirements", views.TierRequirementViewSet, basename="tierrequirement")
router.register("classifications", views.ClassificationViewSet, basename="classification")
router.register("obligation-dates", views.ObligationTimelineViewSet, basename="obligationtimeline")
router.register("tier-decisions", views.TierDecisionViewSet, basename="tierdecision")
router.register("risk-profiles", views.RiskProfileViewSet, basename="riskprofile")
router.register("risk-assessments", views.RiskAssessmentViewSet, basename="riskassessment")
router.register("risks", views.RiskViewSet, basename="risk")
router.register("treatment-actions", views.TreatmentActionViewSet, basename="treatmentaction")
router.register("impact-assessments", views.ImpactAssessmentViewSet, basename="impactassessment")

urlpatterns = router.urls
