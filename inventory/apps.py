from django.apps import AppConfig


class InventoryConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "inventory"
    verbose_name = "AI system inventory"

    def ready(self) -> None:
        from aims.dashboard import Panel, register_panel
        from aims.evidence import register_attachable

        from .dashboard import inventory_panel
        from .models import AISystem, ValidationRecord

        register_panel(
            Panel(order=10, template="inventory/_dashboard_panel.html", context=inventory_panel)
        )
        register_attachable(AISystem)
        register_attachable(ValidationRecord)
