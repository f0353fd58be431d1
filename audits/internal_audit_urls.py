"""Audit programmes, internal audits, findings and management reviews."""

from django.urls import path  # noqa: F401

app_name = "internal_audits"
urlpatterns: list = []
