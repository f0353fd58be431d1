"""The evidence library: API routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from aims.evidence.api.views import EvidenceLibraryViewSet, EvidenceViewSet

router = SimpleRouter()
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("evidence-library", EvidenceLibraryViewSet, basename="evidence-library")

urlpatterns = router.urls
