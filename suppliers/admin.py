from django.contrib import admin

from aims.admin import ReadOnlyHistoryAdmin

from .models import (
    ReviewAnswer,
    ReviewQuestion,
    Supplier,
    SupplierReview,
    VendorChangeImpact,
    VendorChangeNotice,
    VendorChangeObservation,
)


@admin.register(Supplier)
class SupplierAdmin(ReadOnlyHistoryAdmin):
    list_display = ("reference", "name", "supplier_type", "criticality", "status", "owner")
    list_filter = ("status", "supplier_type", "criticality")
    search_fields = ("name",)
    list_select_related = ("owner",)


@admin.register(VendorChangeNotice)
class VendorChangeNoticeAdmin(ReadOnlyHistoryAdmin):
    list_display = ("reference", "supplier", "kind", "source", "status", "created_at")
    list_filter = ("status", "kind", "source")
    list_select_related = ("supplier",)


for model in (
    ReviewQuestion,
    SupplierReview,
    ReviewAnswer,
    VendorChangeImpact,
    VendorChangeObservation,
):
    admin.site.register(model, ReadOnlyHistoryAdmin)
