"""Registrations of scope, context, policies and objectives: menu entries,
dashboard panels, evidence targets and corrective-action sources.
(called from aims.apps.ready())."""

GROUP = "Management system"


def register() -> None:
    from aims.dashboard import Panel, register_panel
    from aims.evidence.registry import register_attachable
    from aims.models import Objective, Policy
    from aims.ms import admin as ms_admin
    from aims.ms.dashboard import ms_panel
    from aims.navigation import NavItem, register_nav

    for item in (
        NavItem(40, "Scope and context", "ms:overview", "aims.view_aimsscope", group=GROUP,
                exclusive=True),
        NavItem(41, "Policies", "ms:policy_list", "aims.view_policy", group=GROUP),
        NavItem(42, "Objectives", "ms:objective_list", "aims.view_objective", group=GROUP),
        NavItem(43, "Policies to acknowledge", "ms:policy_pending", group=GROUP,
                exclusive=True),
    ):  # fmt: skip
        register_nav(item)
    register_panel(Panel(order=40, template="ms/_dashboard_panel.html", context=ms_panel))
    register_attachable(Policy)
    register_attachable(Objective)
    ms_admin.register()
