"""Registrations of the trends: the dashboard panel, the corrective actions' figures, and the
admin of snapshots (called from aims.apps.ready())."""


def register() -> None:
    from django.contrib import admin

    from aims.capa.trends import SOURCE as CAPA_SOURCE
    from aims.dashboard import Panel, register_panel

    from .admin import DailySnapshotAdmin
    from .dashboard import trends_panel
    from .models import DailySnapshot
    from .registry import register_source

    register_source(CAPA_SOURCE)
    register_panel(
        Panel(order=95, template="aims/trends/_dashboard_panel.html", context=trends_panel)
    )
    if not admin.site.is_registered(DailySnapshot):
        admin.site.register(DailySnapshot, DailySnapshotAdmin)
