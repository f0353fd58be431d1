"""API routes of the certification body's findings: /api/v1/external-findings/ (with
respond/, close/, reopen/ and responses/ under each finding)."""

from rest_framework.routers import SimpleRouter

from .findings import ExternalFindingViewSet

router = SimpleRouter()
router.register("external-findings", ExternalFindingViewSet, basename="externalfinding")

urlpatterns = router.urls
