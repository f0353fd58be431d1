"""Trends: API routes under /api/v1/."""

from django.urls import path

from .views import SnapshotTakeView, TrendsView

urlpatterns = [
    path("trends/", TrendsView.as_view(), name="trends"),
    path("trends/snapshot/", SnapshotTakeView.as_view(), name="trends-snapshot"),
]
