"""The evidence library: API routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .evidence_views import EvidenceLibraryViewSet

router = SimpleRouter()
router.register("evidence-library", EvidenceLibraryViewSet, basename="evidence-library")

urlpatterns = router.urls
