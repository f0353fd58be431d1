from django.urls import path

from . import views

app_name = "security"
urlpatterns = [
    path("people/", views.PeopleView.as_view(), name="people"),
    path("people/<int:pk>/reset/", views.ResetView.as_view(), name="reset"),
]
