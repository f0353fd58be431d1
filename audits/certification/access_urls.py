"""Auditor accesses (in the "certification" namespace, under /certification/)."""

from django.urls import path

from . import access_views as views

urlpatterns = [
    path("audits/<int:pk>/access/", views.AccessListView.as_view(), name="access_list"),
    path("access/<int:pk>/revoke/", views.AccessRevokeView.as_view(), name="access_revoke"),
    path("access/<int:pk>/extend/", views.AccessExtendView.as_view(), name="access_extend"),
    path("my-audit/", views.MyAuditView.as_view(), name="my_audit"),
    path(
        "set-password/<uidb64>/<token>/",
        views.SetPasswordView.as_view(),
        name="auditor_set_password",
    ),
]
