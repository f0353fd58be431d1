"""API routes of auditor accesses under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .access import AuditorAccessViewSet

router = SimpleRouter()
router.register("auditor-accesses", AuditorAccessViewSet, basename="auditoraccess")

urlpatterns = router.urls
