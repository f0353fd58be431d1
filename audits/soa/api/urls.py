"""SoA, its versions and readiness: API routes under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views as soa_views

router = SimpleRouter()
router.register("soa", soa_views.ControlStatementViewSet, basename="controlstatement")
router.register("soa-versions", soa_views.SoAVersionViewSet, basename="soaversion")

urlpatterns = [
    path("readiness/", soa_views.ReadinessView.as_view(), name="readiness"),
    # gaps: the readiness-gap register, one gap, its assignment and its update
    path("readiness/gaps/", soa_views.GapListView.as_view(), name="readiness-gaps"),
    path(
        "readiness/gaps/<slug:kind>/<str:record>/",
        soa_views.GapDetailView.as_view(),
        name="readiness-gap-detail",
    ),
    path(
        "readiness/gaps/<slug:kind>/<str:record>/assign/",
        soa_views.GapAssignView.as_view(),
        name="readiness-gap-assign",
    ),
    path(
        "readiness/gaps/<slug:kind>/<str:record>/status/",
        soa_views.GapStatusView.as_view(),
        name="readiness-gap-status",
    ),
    *router.urls,
]
