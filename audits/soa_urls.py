"""The ISO/IEC 42001 catalogue, the Statement of Applicability, readiness and gaps."""

from django.urls import path  # noqa: F401

app_name = "soa"
urlpatterns: list = []
