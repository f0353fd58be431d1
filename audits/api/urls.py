"""Audits routes under /api/v1/ (included by aims.api.urls, namespace "api"): each domain
keeps its routes in ``audits/<domain>/api/urls.py``."""

from django.urls import include, path

urlpatterns = [
    path("", include("audits.trail.api.urls")),
    path("", include("audits.packs.api.urls")),
    path("", include("audits.catalogue.api.urls")),
    path("", include("audits.soa.api.urls")),
    path("", include("audits.iso27001.api.urls")),
    path("", include("audits.internal_audits.api.urls")),
    path("", include("audits.reviews.api.urls")),
    path("", include("audits.certification.api.urls")),
    path("", include("audits.plan.api.urls")),
    path("", include("audits.onboarding.api.urls")),
]
