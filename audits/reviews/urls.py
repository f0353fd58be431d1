"""Management-review pages. Not a namespace of their own: they are part of
"internal_audits" (see audits.internal_audits.urls), so their URL names stay
``internal_audits:review_*``."""

from django.urls import path

from . import views

urlpatterns = [
    path("reviews/", views.ReviewListView.as_view(), name="review_list"),
    path("reviews/add/", views.ReviewCreateView.as_view(), name="review_create"),
    path("reviews/<int:pk>/", views.ReviewDetailView.as_view(), name="review_detail"),
    path("reviews/<int:pk>/edit/", views.ReviewEditView.as_view(), name="review_edit"),
    path("reviews/<int:pk>/refresh/", views.ReviewRefreshView.as_view(), name="review_refresh"),
    path("reviews/<int:pk>/record/", views.ReviewRecordView.as_view(), name="review_record"),
    path("reviews/<int:pk>/close/", views.ReviewCloseView.as_view(), name="review_close"),
    path(
        "reviews/<int:pk>/actions/add/",
        views.ReviewActionAddView.as_view(),
        name="review_action_add",
    ),
    path(
        "review-actions/<int:pk>/status/",
        views.ReviewActionStatusView.as_view(),
        name="review_action_status",
    ),
]
