from django.urls import path

from . import views

app_name = "incidents"
urlpatterns = [
    path("", views.IncidentListView.as_view(), name="incident_list"),
    path("export.csv", views.IncidentListView.as_view(export="csv"), name="incident_export"),
    path("export.xlsx", views.IncidentListView.as_view(export="xlsx"), name="incident_export_xlsx"),
    path("report/", views.IncidentReportView.as_view(), name="incident_report"),
    path("time-targets/", views.TimeTargetsView.as_view(), name="time_targets"),
    path("<int:pk>/", views.IncidentDetailView.as_view(), name="incident_detail"),
    path("<int:pk>/edit/", views.IncidentEditView.as_view(), name="incident_edit"),
    path(
        "<int:pk>/action/<str:action>/",
        views.IncidentTransitionView.as_view(),
        name="incident_transition",
    ),
    path("<int:pk>/severity/", views.IncidentSeverityView.as_view(), name="incident_severity"),
    path("<int:pk>/awareness/", views.IncidentAwarenessView.as_view(), name="incident_awareness"),
    path("<int:pk>/serious/", views.IncidentSeriousView.as_view(), name="incident_serious"),
    path(
        "<int:pk>/report-submitted/",
        views.IncidentReportSubmittedView.as_view(),
        name="incident_report_submitted",
    ),
    path("<int:pk>/note/", views.IncidentNoteView.as_view(), name="incident_note"),
    path("<int:pk>/capa/add/", views.IncidentCapaAddView.as_view(), name="incident_capa_add"),
    path("systems/<int:pk>/monitoring/", views.MonitoringView.as_view(), name="monitoring"),
    path("systems/<int:pk>/metrics/add/", views.MetricAddView.as_view(), name="metric_add"),
]
