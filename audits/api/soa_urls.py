"""Catalogue, SoA, readiness: API routes under /api/v1/."""

urlpatterns: list = []
