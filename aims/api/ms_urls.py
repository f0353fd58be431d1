"""Scope, context, policies, responsibilities and objectives: API routes under /api/v1/."""

urlpatterns: list = []
