"""ISO/IEC 27001 controls and mappings: API routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("iso27001-controls", views.SecurityControlViewSet, basename="iso27001control")
router.register("iso27001-mappings", views.ControlMappingViewSet, basename="iso27001mapping")

urlpatterns = router.urls
