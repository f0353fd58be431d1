from django.apps import AppConfig


class SuppliersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "suppliers"
    verbose_name = "Suppliers and third-party AI"

    def ready(self) -> None:
        from aims.dashboard import Panel, register_panel
        from aims.evidence.registry import register_attachable
        from aims.navigation import NavItem, register_nav

        from .dashboard import suppliers_panel
        from .models import ReviewAnswer, Supplier, SupplierReview

        register_nav(
            NavItem(
                order=20,
                label="Suppliers",
                url_name="suppliers:supplier_list",
                permission="suppliers.view_supplier",
                app_name="suppliers",
            )
        )
        register_panel(
            Panel(order=20, template="suppliers/_dashboard_panel.html", context=suppliers_panel)
        )
        register_attachable(Supplier)
        register_attachable(SupplierReview)
        register_attachable(ReviewAnswer)
        from . import search

        search.register()
