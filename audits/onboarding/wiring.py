"""Registrations of the first run: a dashboard panel that leads a governance officer of an
organisation without records to /start/, and shows where an unfinished first run stands
(called from audits.apps.ready())."""


def register() -> None:
    from aims.dashboard import Panel, register_panel

    from .dashboard import first_run_panel

    register_panel(
        Panel(order=1, template="onboarding/_dashboard_panel.html", context=first_run_panel)
    )
