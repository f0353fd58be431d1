from django.urls import path

from . import views

app_name = "comments"
urlpatterns = [
    path("<int:pk>/edit/", views.CommentEditView.as_view(), name="comment_edit"),
    path("<int:pk>/delete/", views.CommentDeleteView.as_view(), name="comment_delete"),
    path("<slug:key>/<int:pk>/", views.CommentAddView.as_view(), name="comment_add"),
]
