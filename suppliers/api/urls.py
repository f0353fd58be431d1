"""suppliers routes under /api/v1/ (included by aims.api.urls, namespace "api")."""

urlpatterns: list = []
