"""Pages of tokens, sessions and service accounts, under /accounts/ (namespace "accounts")."""

from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("tokens/", views.TokenListView.as_view(), name="token_list"),
    path("tokens/new/", views.TokenCreateView.as_view(), name="token_create"),
    path("tokens/<int:pk>/revoke/", views.TokenRevokeView.as_view(), name="token_revoke"),
    path("sessions/", views.SessionListView.as_view(), name="session_list"),
    path("sessions/<int:pk>/end/", views.SessionEndView.as_view(), name="session_end"),
    path("sessions/end-others/", views.SessionEndOthersView.as_view(), name="session_end_others"),
    path("service-accounts/", views.ServiceAccountListView.as_view(), name="service_account_list"),
    path(
        "service-accounts/new/",
        views.ServiceAccountFormView.as_view(),
        name="service_account_create",
    ),
    path(
        "service-accounts/<int:pk>/",
        views.ServiceAccountDetailView.as_view(),
        name="service_account_detail",
    ),
    path(
        "service-accounts/<int:pk>/edit/",
        views.ServiceAccountFormView.as_view(),
        name="service_account_edit",
    ),
    path(
        "service-accounts/<int:pk>/tokens/new/",
        views.ServiceAccountTokenCreateView.as_view(),
        name="service_account_token_create",
    ),
]
