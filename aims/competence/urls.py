"""Courses, training records and competence (7.2, 7.3) and roles (5.3). Mounted at /training/."""

from django.urls import path

from aims.competence import views

app_name = "competence"
urlpatterns = [
    path("", views.MyTrainingView.as_view(), name="my_training"),
    path("people/<int:pk>/", views.PersonTrainingView.as_view(), name="person_training"),
    path("records/", views.RecordListView.as_view(), name="record_list"),
    path("records/add/", views.RecordAddView.as_view(), name="record_add"),
    path("expiring/", views.ExpiringView.as_view(), name="expiring"),
    path("courses/", views.CourseListView.as_view(), name="course_list"),
    path("courses/add/", views.CourseAddView.as_view(), name="course_add"),
    path("courses/<int:pk>/", views.CourseDetailView.as_view(), name="course_detail"),
    path("courses/<int:pk>/edit/", views.CourseEditView.as_view(), name="course_edit"),
    path("roles/", views.ResponsibilityListView.as_view(), name="responsibility_list"),
    path("roles/add/", views.ResponsibilityAddView.as_view(), name="responsibility_add"),
    path("roles/<int:pk>/", views.ResponsibilityDetailView.as_view(), name="responsibility_detail"),
    path(
        "roles/<int:pk>/edit/", views.ResponsibilityEditView.as_view(), name="responsibility_edit"
    ),
    path("roles/<int:pk>/assign/", views.AssignmentAddView.as_view(), name="assignment_add"),
    path("assignments/<int:pk>/end/", views.AssignmentEndView.as_view(), name="assignment_end"),
    path(
        "assignments/<int:pk>/exception/",
        views.AssignmentExceptionView.as_view(),
        name="assignment_exception",
    ),
]
