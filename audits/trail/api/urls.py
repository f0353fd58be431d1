"""The audit trail: API routes under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from .views import (
    AuditTrailVerifyView,
    PublicKeyView,
    TrailAdoptionViewSet,
    TrailCheckpointViewSet,
)

router = SimpleRouter()
router.register(
    "audit-trail/checkpoints", TrailCheckpointViewSet, basename="audit-trail-checkpoint"
)
router.register("audit-trail/adoptions", TrailAdoptionViewSet, basename="audit-trail-adoption")

urlpatterns = [
    path("audit-trail/verify/", AuditTrailVerifyView.as_view(), name="audit-trail-verify"),
    path("audit-trail/public-key/", PublicKeyView.as_view(), name="audit-trail-public-key"),
    *router.urls,
]
