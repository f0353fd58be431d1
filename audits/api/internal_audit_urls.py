"""Internal audits and management reviews: API routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from . import internal_audit_views as views

router = SimpleRouter()
router.register("audit-programmes", views.AuditProgrammeViewSet, basename="auditprogramme")
router.register("internal-audits", views.InternalAuditViewSet, basename="internalaudit")
router.register("checklist-items", views.ChecklistItemViewSet, basename="checklistitem")
router.register("findings", views.FindingViewSet, basename="finding")
router.register("management-reviews", views.ManagementReviewViewSet, basename="managementreview")
router.register("review-actions", views.ReviewActionViewSet, basename="reviewaction")

urlpatterns = router.urls
