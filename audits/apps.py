from django.apps import AppConfig


class AuditsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "audits"
    verbose_name = "Audits and the audit trail"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate
        from simple_history.signals import (
            post_create_historical_m2m_records,
            post_create_historical_record,
        )

        from . import checks  # noqa: F401  (registers the system checks)
        from .trail.chain import seal_m2m_on_create, seal_on_create
        from .trail.guard import install_history_guard

        # Every history row is sealed in the transaction that writes it.
        post_create_historical_record.connect(seal_on_create, dispatch_uid="audits_seal")
        post_create_historical_m2m_records.connect(
            seal_m2m_on_create, dispatch_uid="audits_seal_m2m"
        )
        post_migrate.connect(install_history_guard, dispatch_uid="audits_history_guard")

        from aims.navigation import NavItem, register_nav

        register_nav(
            NavItem(
                80,
                "Evidence packs",
                "audits:pack_list",
                "audits.view_evidencepack",
                app_name="audits",
                group="Assurance",
            )
        )

        register_nav(
            NavItem(
                85,
                "Audit trail",
                "audits:trail",
                "audits.view_chainlink",
                app_name="audits",
                group="Assurance",
            )
        )

        from .internal_audits import wiring as wiring_internal_audits
        from .onboarding import wiring as wiring_onboarding
        from .soa import wiring as wiring_soa

        wiring_soa.register()
        wiring_internal_audits.register()
        wiring_onboarding.register()
