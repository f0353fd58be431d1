"""incidents routes under /api/v1/ (included by aims.api.urls, namespace "api")."""

from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("incidents", views.IncidentViewSet, basename="incident")
router.register("metrics", views.MetricViewSet, basename="metric")
router.register("observations", views.ObservationViewSet, basename="observation")
router.register("alerts", views.AlertViewSet, basename="alert")
router.register(
    "incident-time-targets", views.IncidentTimeTargetViewSet, basename="incidenttimetarget"
)

urlpatterns = router.urls
