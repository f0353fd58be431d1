from django.apps import AppConfig


class AimsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "aims"
    verbose_name = "AI management system"

    def ready(self) -> None:
        from .navigation import NavItem, register_nav

        register_nav(NavItem(order=0, label="Dashboard", url_name="aims:dashboard", exclusive=True))
        register_nav(
            NavItem(75, "Corrective actions", "capa:capa_list", app_name="capa", group="Assurance")
        )

        from aims.competence import wiring as wiring_competence
        from aims.ms import wiring as wiring_ms
        from aims.reminders import wiring as wiring_reminders
        from aims.trends import wiring as wiring_trends

        wiring_ms.register()
        wiring_competence.register()
        wiring_reminders.register()
        wiring_trends.register()

        from aims.search import wiring as wiring_search

        wiring_search.register()
        from aims.comments import wiring as wiring_comments

        wiring_comments.register()
        from aims.signins import wiring as wiring_signins

        wiring_signins.register()
        from aims.accounts import wiring as wiring_accounts
        from aims.scim import checks as scim_checks  # noqa: F401 - registers the check

        wiring_accounts.register()
        from aims.mfa import wiring as wiring_mfa

        wiring_mfa.register()
        from aims.sso import wiring as wiring_sso

        wiring_sso.register()
        from aims.outbox import wiring as wiring_outbox

        wiring_outbox.register()
        from aims import background_priority

        background_priority.register()
        from aims.webhooks import wiring as wiring_webhooks

        wiring_webhooks.register()
        from aims.imports import wiring as wiring_imports

        wiring_imports.register()
