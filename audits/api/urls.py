"""Audits routes under /api/v1/ (included by aims.api.urls, namespace "api")."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .views import AuditTrailVerifyView, EvidencePackViewSet

router = SimpleRouter()
router.register("evidence-packs", EvidencePackViewSet, basename="evidencepack")

urlpatterns = [
    path("audit-trail/verify/", AuditTrailVerifyView.as_view(), name="audit-trail-verify"),
    *router.urls,
    path("", include("audits.api.soa_urls")),
    path("", include("audits.api.internal_audit_urls")),
]
