"""The 90-day plan, mounted at /plan/ (namespace "plan")."""

from django.urls import path

from . import views

app_name = "plan"
urlpatterns = [
    path("", views.PlanProgressView.as_view(), name="progress"),
    path("export.csv", views.PlanProgressView.as_view(export="csv"), name="task_export"),
    path("export.xlsx", views.PlanProgressView.as_view(export="xlsx"), name="task_export_xlsx"),
    path("generate/", views.GenerateView.as_view(), name="generate"),
    path("tasks/add/", views.TaskAddView.as_view(), name="task_add"),
    path("tasks/<int:pk>/", views.TaskDetailView.as_view(), name="task_detail"),
    path("tasks/<int:pk>/start/", views.TaskStartView.as_view(), name="task_start"),
    path("tasks/<int:pk>/done/", views.TaskNoteView.as_view(action="done"), name="task_done"),
    path("tasks/<int:pk>/drop/", views.TaskNoteView.as_view(action="drop"), name="task_drop"),
    path("tasks/<int:pk>/reassign/", views.TaskReassignView.as_view(), name="task_reassign"),
]
