from django.apps import AppConfig
from django.core.signals import setting_changed


def _targets_setting_changed(setting: str, **kwargs) -> None:
    """A changed INCIDENT_TIME_TARGETS (tests override it) changes the fallback at once."""
    if setting == "INCIDENT_TIME_TARGETS":
        from .models import clear_time_targets_cache

        clear_time_targets_cache()


class IncidentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "incidents"
    verbose_name = "Incidents and monitoring"

    def ready(self) -> None:
        from aims.dashboard import Panel, register_panel
        from aims.evidence.registry import register_attachable
        from aims.navigation import NavItem, register_nav
        from aims.trends.registry import register_source
        from inventory.extensions import SystemLink, register_system_link

        from .dashboard import incidents_panel
        from .models import Incident
        from .trends import SOURCE as TRENDS_SOURCE

        register_panel(
            Panel(order=30, template="incidents/_dashboard_panel.html", context=incidents_panel)
        )
        # No permission: owners see incidents through their systems, not a model permission;
        # a user without any sees an empty list.
        register_nav(NavItem(30, "Incidents", "incidents:incident_list", app_name="incidents"))
        # Shown to the roles that read every incident (officers, approvers, auditors). System
        # owners may read the targets too, from the incident list, but get no Settings menu
        # (tests/aims/test_navigation.py): they change no setting.
        register_nav(
            NavItem(
                93,
                "Incident time targets",
                "incidents:time_targets",
                "incidents.view_incident",
                exclusive=True,
                group="Settings",
            )
        )
        register_system_link(SystemLink(30, "Monitoring", "incidents:monitoring"))
        register_attachable(Incident)
        register_source(TRENDS_SOURCE)
        from . import search

        search.register()
        from aims.comments.registry import register_commentable

        register_commentable("incident", Incident)
        setting_changed.connect(_targets_setting_changed, dispatch_uid="incidents_time_targets")
