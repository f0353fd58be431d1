from django.apps import AppConfig


class RiskConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "risk"
    verbose_name = "Risk and impact"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from aims.dashboard import Panel, register_panel
        from aims.evidence.registry import register_attachable
        from aims.navigation import NavItem, register_nav
        from inventory import services as inventory_services
        from inventory.models import AISystem

        from .dashboard import heatmap_panel
        from .models import ImpactAssessment, Risk, RiskAssessment
        from .services import gate_check, required_approvals_for
        from .signals import system_saved

        post_save.connect(system_saved, sender=AISystem, dispatch_uid="risk.system_saved")
        inventory_services.register_gate_check(gate_check)
        inventory_services.register_required_approvals(required_approvals_for)
        from inventory.extensions import SystemLink, register_system_link

        register_system_link(SystemLink(10, "Risk and classification", "risk:system_risk"))
        from inventory.extensions import DecisionSection, register_decision_section

        from .decision import decision_case

        register_decision_section(DecisionSection(10, "risk/_decision_case.html", decision_case))
        from inventory.next_steps import register_step_provider

        from .next_steps import risk_steps

        register_step_provider(risk_steps)
        register_panel(
            Panel(order=20, template="risk/_dashboard_panel.html", context=heatmap_panel)
        )
        register_nav(NavItem(20, "Risk register", "risk:register", app_name="risk"))
        register_nav(
            NavItem(
                91,
                "Risk settings",
                "risk:methodology",
                "risk.change_methodology",
                exclusive=True,
                group="Settings",
            )
        )
        for model in (Risk, RiskAssessment, ImpactAssessment):
            register_attachable(model)
        from . import search

        search.register()
        from aims.comments.registry import register_commentable

        register_commentable("risk", Risk, "risk:risk_detail")
