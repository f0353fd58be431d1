"""Webhooks: routes under /api/v1/."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("webhooks", views.WebhookSubscriptionViewSet, basename="webhooksubscription")

urlpatterns = [
    path("webhook-events/", views.WebhookEventListView.as_view(), name="webhook-events"),
    *router.urls,
]
