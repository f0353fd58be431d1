"""SoA, its versions and readiness: API routes under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views as soa_views

router = SimpleRouter()
router.register("soa", soa_views.ControlStatementViewSet, basename="controlstatement")
router.register("soa-versions", soa_views.SoAVersionViewSet, basename="soaversion")

urlpatterns = [
    path("readiness/", soa_views.ReadinessView.as_view(), name="readiness"),
    *router.urls,
]
