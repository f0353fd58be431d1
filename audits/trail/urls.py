"""The audit-trail page, mounted under /audits/ in the "audits" namespace (see audits.urls)."""

from django.urls import path

from . import views

urlpatterns = [
    path("trail/", views.AuditTrailView.as_view(), name="trail"),
]
