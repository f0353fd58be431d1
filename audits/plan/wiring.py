"""Registrations of the 90-day plan: its menu entry and its dashboard panel (called from
audits.apps.ready())."""


def register() -> None:
    from aims.dashboard import Panel, register_panel
    from aims.navigation import NavItem, register_nav

    from .dashboard import plan_panel

    register_nav(
        NavItem(
            62,
            "90-day plan",
            "plan:progress",
            "audits.view_plantask",
            app_name="plan",
            group="Assurance",
        )
    )
    register_panel(Panel(order=41, template="plan/_dashboard_panel.html", context=plan_panel))
