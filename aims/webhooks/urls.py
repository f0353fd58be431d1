"""Pages of webhooks, under /webhooks/ (namespace "webhooks")."""

from django.urls import path

from . import views

app_name = "webhooks"
urlpatterns = [
    path("", views.SubscriptionListView.as_view(), name="subscription_list"),
    path("new/", views.SubscriptionFormView.as_view(), name="subscription_create"),
    path("<int:pk>/", views.SubscriptionDetailView.as_view(), name="subscription_detail"),
    path("<int:pk>/edit/", views.SubscriptionFormView.as_view(), name="subscription_edit"),
    path("<int:pk>/enable/", views.SubscriptionActiveView.as_view(active=True),
         name="subscription_enable"),
    path("<int:pk>/disable/", views.SubscriptionActiveView.as_view(active=False),
         name="subscription_disable"),
    path("<int:pk>/delete/", views.SubscriptionDeleteView.as_view(), name="subscription_delete"),
    path("<int:pk>/deliveries/<int:delivery>/redeliver/", views.DeliveryRedeliverView.as_view(),
         name="delivery_redeliver"),
]  # fmt: skip
