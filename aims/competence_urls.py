"""Courses, training records and competence."""

from django.urls import path  # noqa: F401

app_name = "competence"
urlpatterns: list = []
