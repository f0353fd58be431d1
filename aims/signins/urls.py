"""The sign-in audit. Mounted by aims/urls.py at /accounts/sign-ins/."""

from django.urls import path

from aims.signins import views

app_name = "signins"
urlpatterns = [
    path("", views.SignInEventListView.as_view(), name="event_list"),
    path("unlock/", views.UnlockView.as_view(), name="unlock"),
]
