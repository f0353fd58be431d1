"""The REST API, /api/v1/. This module is the API's root URLconf (project level, like
aims/urls.py): it serves the shared primitives and includes each app's API routes."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from aims.api import views
from aims.capa.api import views as capa_views
from aims.comments.api import CommentViewSet
from aims.notifications.api import views as notification_views
from aims.search.api import SearchAPIView

app_name = "api"

router = SimpleRouter()
router.register("notifications", notification_views.NotificationViewSet, basename="notification")
router.register("comments", CommentViewSet, basename="comment")
router.register(
    "corrective-actions", capa_views.CorrectiveActionViewSet, basename="correctiveaction"
)

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("search/", SearchAPIView.as_view(), name="search"),
    *router.urls,
    path("", include("aims.accounts.api.urls")),
    path("", include("aims.ms.api.urls")),
    path("", include("aims.competence.api.urls")),
    path("", include("aims.evidence.api.urls")),
    path("", include("aims.reminders.api.urls")),
    path("", include("aims.signins.api.urls")),
    path("", include("aims.trends.api.urls")),
    path("", include("aims.webhooks.api.urls")),
    path("", include("aims.imports.api.urls")),
    path("", include("inventory.api.urls")),
    path("", include("risk.api.urls")),
    path("", include("suppliers.api.urls")),
    path("", include("incidents.api.urls")),
    path("", include("audits.api.urls")),
]
