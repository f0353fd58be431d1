"""The evidence library (EVD-) and evidence versions."""

from django.urls import path  # noqa: F401

app_name = "evidence"
urlpatterns: list = []
