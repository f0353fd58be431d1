"""API tokens and service accounts: routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from aims.accounts.api import views

router = SimpleRouter()
router.register("tokens", views.TokenViewSet, basename="apitoken")
router.register("service-accounts", views.ServiceAccountViewSet, basename="serviceaccount")

urlpatterns = router.urls
