"""Management reviews: API routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("management-reviews", views.ManagementReviewViewSet, basename="managementreview")
router.register("review-actions", views.ReviewActionViewSet, basename="reviewaction")

urlpatterns = router.urls
