from django.urls import path

from . import views

app_name = "suppliers"
urlpatterns = [
    path("", views.SupplierListView.as_view(), name="supplier_list"),
    path("export.csv", views.SupplierListView.as_view(export="csv"), name="supplier_export"),
    path("export.xlsx", views.SupplierListView.as_view(export="xlsx"), name="supplier_export_xlsx"),
    path("add/", views.SupplierCreateView.as_view(), name="supplier_add"),
    path("<int:pk>/", views.SupplierDetailView.as_view(), name="supplier_detail"),
    path("<int:pk>/history/", views.SupplierHistoryView.as_view(), name="supplier_history"),
    path("<int:pk>/edit/", views.SupplierEditView.as_view(), name="supplier_edit"),
    path(
        "<int:pk>/action/<str:action>/",
        views.SupplierTransitionView.as_view(),
        name="supplier_transition",
    ),
    path("<int:pk>/reviews/start/", views.ReviewStartView.as_view(), name="review_start"),
    path("reviews/<int:pk>/", views.ReviewDetailView.as_view(), name="review_detail"),
    path("reviews/<int:pk>/complete/", views.ReviewCompleteView.as_view(), name="review_complete"),
    path("questions/", views.QuestionListView.as_view(), name="question_list"),
    path("questions/add/", views.QuestionFormView.as_view(), name="question_add"),
    path("questions/<int:pk>/edit/", views.QuestionFormView.as_view(), name="question_edit"),
    path("changes/", views.NoticeListView.as_view(), name="notice_list"),
    path("changes/export.csv", views.NoticeListView.as_view(export="csv"), name="notice_export"),
    path(
        "changes/export.xlsx",
        views.NoticeListView.as_view(export="xlsx"),
        name="notice_export_xlsx",
    ),
    path("changes/add/", views.NoticeCreateView.as_view(), name="notice_add"),
    path("changes/<int:pk>/", views.NoticeDetailView.as_view(), name="notice_detail"),
    path("impacts/<int:pk>/assess/", views.ImpactAssessView.as_view(), name="impact_assess"),
    path("impacts/<int:pk>/confirm/", views.ImpactConfirmView.as_view(), name="impact_confirm"),
]
