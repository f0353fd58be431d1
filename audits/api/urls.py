"""Audits routes under /api/v1/ (included by aims.api.urls, namespace "api")."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from .trail_views import (
    AuditTrailVerifyView,
    PublicKeyView,
    TrailAdoptionViewSet,
    TrailCheckpointViewSet,
)
from .views import EvidencePackViewSet

router = SimpleRouter()
router.register("evidence-packs", EvidencePackViewSet, basename="evidencepack")
router.register(
    "audit-trail/checkpoints", TrailCheckpointViewSet, basename="audit-trail-checkpoint"
)
router.register("audit-trail/adoptions", TrailAdoptionViewSet, basename="audit-trail-adoption")

urlpatterns = [
    path("audit-trail/verify/", AuditTrailVerifyView.as_view(), name="audit-trail-verify"),
    path("audit-trail/public-key/", PublicKeyView.as_view(), name="audit-trail-public-key"),
    *router.urls,
    path("", include("audits.api.soa_urls")),
    path("", include("audits.api.internal_audit_urls")),
]
