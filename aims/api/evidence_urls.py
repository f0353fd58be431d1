"""The evidence library: API routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .evidence_views import EvidenceLibraryViewSet
from .views import EvidenceViewSet

router = SimpleRouter()
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("evidence-library", EvidenceLibraryViewSet, basename="evidence-library")

urlpatterns = router.urls
