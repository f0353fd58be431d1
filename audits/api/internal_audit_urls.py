"""Internal audits and management reviews: API routes under /api/v1/."""

urlpatterns: list = []
