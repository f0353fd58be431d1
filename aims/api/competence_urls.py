"""Courses and training records: API routes under /api/v1/."""

urlpatterns: list = []
