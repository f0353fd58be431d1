from django.apps import AppConfig


class InventoryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "inventory"
    verbose_name = "AI system inventory"

    def ready(self) -> None:
        from aims.dashboard import Panel, register_panel
        from aims.evidence.registry import register_attachable
        from aims.navigation import NavItem, register_nav
        from aims.trends.registry import register_source

        from .dashboard import inventory_panel
        from .models import AISystem, ApprovalCondition, ValidationRecord
        from .trends import SOURCE as TRENDS_SOURCE

        register_panel(
            Panel(order=10, template="inventory/_dashboard_panel.html", context=inventory_panel)
        )
        register_source(TRENDS_SOURCE)
        register_nav(NavItem(10, "AI systems", "inventory:system_list", app_name="inventory"))
        register_nav(
            NavItem(
                11,
                "New intake",
                "inventory:intake_start",
                "inventory.add_aisystem",
                exclusive=True,
            )
        )
        register_nav(
            NavItem(
                90,
                "Gate settings",
                "inventory:gate_settings",
                "inventory.change_gatesetting",
                exclusive=True,
                group="Settings",
            )
        )
        register_nav(
            NavItem(
                91,
                "Model registry",
                "inventory:registry_link_list",
                "inventory.view_modelregistrylink",
                group="Settings",
            )
        )
        from .vendor_changes import register_supplier_dependencies

        register_supplier_dependencies()
        register_attachable(AISystem)
        register_attachable(ValidationRecord)
        register_attachable(ApprovalCondition)
        from . import search

        search.register()
        from aims.comments.registry import register_commentable

        register_commentable("system", AISystem, "inventory:system_detail")
