"""Scope, context, interested parties, policies, responsibilities and objectives."""

from django.urls import path  # noqa: F401

app_name = "ms"
urlpatterns: list = []
