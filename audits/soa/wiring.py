"""Registrations of the catalogue, SoA and readiness: menu entries,
dashboard panels, evidence targets and corrective-action sources.
(called from audits.apps.ready())."""


def register() -> None:
    from django.db.models.signals import post_migrate

    from aims.dashboard import Panel, register_panel
    from aims.evidence.registry import register_attachable
    from aims.navigation import NavItem, register_nav
    from aims.trends.registry import register_source

    from ..catalogue.services import load_after_migrate
    from ..models import ControlStatement
    from .dashboard import readiness_panel
    from .trends import SOURCE as TRENDS_SOURCE

    # Every database gets the catalogue (test databases too): idempotent and a few queries.
    post_migrate.connect(load_after_migrate, dispatch_uid="audits_load_catalogue")
    register_nav(
        NavItem(
            60,
            "Controls and SoA",
            "soa:statement_list",
            "audits.view_controlstatement",
            app_name="soa",
            group="Assurance",
        )
    )
    register_nav(
        NavItem(
            61,
            "Readiness",
            "soa:readiness",
            "audits.view_controlstatement",
            exclusive=True,
            group="Assurance",
        )
    )
    register_attachable(ControlStatement)
    register_source(TRENDS_SOURCE)
    register_panel(Panel(order=40, template="soa/_dashboard_panel.html", context=readiness_panel))
