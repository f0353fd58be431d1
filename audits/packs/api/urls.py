"""Evidence packs: API routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .views import EvidencePackViewSet

router = SimpleRouter()
router.register("evidence-packs", EvidencePackViewSet, basename="evidencepack")

urlpatterns = router.urls
