"""suppliers routes under /api/v1/ (included by aims.api.urls, namespace "api")."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("suppliers", views.SupplierViewSet, basename="supplier")
router.register("review-questions", views.ReviewQuestionViewSet, basename="reviewquestion")
router.register("supplier-reviews", views.SupplierReviewViewSet, basename="supplierreview")
router.register("review-answers", views.ReviewAnswerViewSet, basename="reviewanswer")
router.register("vendor-changes", views.VendorChangeNoticeViewSet, basename="vendorchange")
router.register(
    "vendor-change-impacts", views.VendorChangeImpactViewSet, basename="vendorchangeimpact"
)

urlpatterns = router.urls
