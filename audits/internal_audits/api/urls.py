"""Audit programmes, internal audits, checklist items and findings: API routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("audit-programmes", views.AuditProgrammeViewSet, basename="auditprogramme")
router.register("internal-audits", views.InternalAuditViewSet, basename="internalaudit")
router.register("checklist-items", views.ChecklistItemViewSet, basename="checklistitem")
router.register("findings", views.FindingViewSet, basename="finding")

urlpatterns = router.urls
