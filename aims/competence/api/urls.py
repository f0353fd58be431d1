"""Courses and training records, responsibilities and their assignments: API routes under
/api/v1/."""

from rest_framework.routers import SimpleRouter

from aims.competence.api import views

router = SimpleRouter()
router.register("courses", views.CourseViewSet, basename="course")
router.register("training-records", views.TrainingRecordViewSet, basename="trainingrecord")
router.register("responsibilities", views.ResponsibilityViewSet, basename="responsibility")
router.register(
    "responsibility-assignments",
    views.ResponsibilityAssignmentViewSet,
    basename="responsibilityassignment",
)

urlpatterns = router.urls
