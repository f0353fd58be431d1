"""Certification bodies, external audits and certificates: API routes under /api/v1/."""

from rest_framework.routers import SimpleRouter

from . import audits as views

router = SimpleRouter()
router.register(
    "certification-bodies", views.CertificationBodyViewSet, basename="certificationbody"
)
router.register("external-audits", views.ExternalAuditViewSet, basename="externalaudit")
router.register("certificates", views.CertificateViewSet, basename="certificate")

urlpatterns = router.urls
