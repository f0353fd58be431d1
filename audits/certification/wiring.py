"""Registrations of certification bodies, external audits and certificates: the menu entry,
the dashboard panel and the admin (called from audits.apps.ready())."""

GROUP = "Assurance"


def register() -> None:
    from aims.dashboard import Panel, register_panel
    from aims.navigation import NavItem, register_nav

    from . import audit_admin
    from .dashboard import certification_panel

    register_nav(
        NavItem(
            75,
            "Certification",
            "certification:audit_list",
            "audits.view_externalaudit",
            app_name="certification",
            group=GROUP,
        )
    )
    register_panel(
        Panel(order=45, template="certification/_dashboard_panel.html", context=certification_panel)
    )
    audit_admin.register()
