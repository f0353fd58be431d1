"""Audits routes under /api/v1/ (included by aims.api.urls, namespace "api")."""

from django.urls import path

from .views import AuditTrailVerifyView

urlpatterns = [
    path("audit-trail/verify/", AuditTrailVerifyView.as_view(), name="audit-trail-verify"),
]
