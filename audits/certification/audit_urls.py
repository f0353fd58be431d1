"""Pages of certification bodies, external audits and certificates (namespace
"certification", mounted at /certification/)."""

from django.urls import path

from . import audit_views as views

urlpatterns = [
    path("bodies/", views.BodyListView.as_view(), name="body_list"),
    path("bodies/add/", views.BodyCreateView.as_view(), name="body_create"),
    path("bodies/<int:pk>/", views.BodyDetailView.as_view(), name="body_detail"),
    path("bodies/<int:pk>/edit/", views.BodyEditView.as_view(), name="body_edit"),
    path("audits/", views.AuditListView.as_view(), name="audit_list"),
    path("audits/export.csv", views.AuditListView.as_view(export="csv"), name="audit_export"),
    path(
        "audits/export.xlsx",
        views.AuditListView.as_view(export="xlsx"),
        name="audit_export_xlsx",
    ),
    path("audits/add/", views.AuditCreateView.as_view(), name="audit_create"),
    path("audits/<int:pk>/", views.AuditDetailView.as_view(), name="audit_detail"),
    path("audits/<int:pk>/edit/", views.AuditEditView.as_view(), name="audit_edit"),
    path(
        "audits/<int:pk>/action/<str:action>/",
        views.AuditTransitionView.as_view(),
        name="audit_transition",
    ),
    path("certificates/", views.CertificateListView.as_view(), name="certificate_list"),
    path("certificates/add/", views.CertificateCreateView.as_view(), name="certificate_create"),
    path(
        "certificates/<int:pk>/", views.CertificateDetailView.as_view(), name="certificate_detail"
    ),
    path(
        "certificates/<int:pk>/action/<str:action>/",
        views.CertificateTransitionView.as_view(),
        name="certificate_transition",
    ),
]
