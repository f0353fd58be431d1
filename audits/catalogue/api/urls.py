"""The catalogue: API routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from .views import CatalogueItemViewSet

router = SimpleRouter()
router.register("catalogue", CatalogueItemViewSet, basename="catalogueitem")

urlpatterns = router.urls
