from django.apps import AppConfig


class IncidentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "incidents"
    verbose_name = "Incidents and monitoring"

    def ready(self) -> None:
        from aims.capa_selectors import register_source
        from aims.dashboard import Panel, register_panel
        from aims.evidence import register_attachable
        from aims.navigation import NavItem, register_nav
        from inventory.extensions import SystemLink, register_system_link

        from .dashboard import incidents_panel
        from .models import Incident
        from .selectors import visible_incidents

        register_panel(
            Panel(order=30, template="incidents/_dashboard_panel.html", context=incidents_panel)
        )
        # No permission: owners see incidents through their systems, not a model permission;
        # a user without any sees an empty list.
        register_nav(NavItem(30, "Incidents", "incidents:incident_list", app_name="incidents"))
        register_system_link(SystemLink(30, "Monitoring", "incidents:monitoring"))
        register_attachable(Incident)
        register_source(Incident, visible_incidents)
