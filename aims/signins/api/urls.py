from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter()
router.register("sign-in-events", views.SignInEventViewSet, basename="signinevent")
urlpatterns = router.urls
