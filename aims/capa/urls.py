"""Corrective actions (CAPA) in the browser. Mounted by aims/urls.py at /capa/."""

from django.urls import path

from aims.capa import views as capa_views

app_name = "capa"
urlpatterns = [
    path("", capa_views.CapaListView.as_view(), name="capa_list"),
    path("export.csv", capa_views.CapaListView.as_view(export="csv"), name="capa_export"),
    path("export.xlsx", capa_views.CapaListView.as_view(export="xlsx"), name="capa_export_xlsx"),
    path("<int:pk>/", capa_views.CapaDetailView.as_view(), name="capa_detail"),
    path(
        "<int:pk>/action/<str:action>/",
        capa_views.CapaTransitionView.as_view(),
        name="capa_transition",
    ),
    path("<int:pk>/verify/", capa_views.CapaVerifyView.as_view(), name="capa_verify"),
]
