"""Inventory routes under /api/v1/ (included by aims.api.urls, namespace "api")."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from inventory.bom.api import SystemBomView

from ..registry.api import ModelRegistryLinkViewSet
from . import draft_views, vendor_views, views

router = SimpleRouter()
router.register("systems", views.SystemViewSet, basename="system")
router.register("components", views.ComponentViewSet, basename="component")
router.register("datasets", views.DatasetViewSet, basename="dataset")
router.register("approvals", views.ApprovalViewSet, basename="approval")
router.register("approval-conditions", views.ApprovalConditionViewSet, basename="approvalcondition")
router.register("validation-records", views.ValidationRecordViewSet, basename="validationrecord")
router.register("change-requests", views.ChangeRequestViewSet, basename="changerequest")
router.register("intake-drafts", draft_views.IntakeDraftViewSet, basename="intakedraft")
router.register("gate-settings", views.GateSettingViewSet, basename="gatesetting")
router.register(
    "component-observations",
    vendor_views.ComponentObservationViewSet,
    basename="componentobservation",
)
router.register("model-registry-links", ModelRegistryLinkViewSet, basename="modelregistrylink")

urlpatterns = [
    path("systems/<int:pk>/bom/", SystemBomView.as_view(), name="system-bom"),
    *router.urls,
]
