from django.urls import path

app_name = "aims"
urlpatterns: list = []
