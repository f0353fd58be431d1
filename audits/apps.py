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

        from aims.outbox.services import recovery_sweep

        from .packs.recovery import recover_packs

        # Builds whose worker died are taken over by the recovery sweep (beat, worker start).
        recovery_sweep.connect(recover_packs, weak=False, dispatch_uid="audits_pack_recovery")

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

        from .certification import wiring as wiring_certification
        from .internal_audits import wiring as wiring_internal_audits
        from .iso27001 import wiring as wiring_iso27001
        from .onboarding import wiring as wiring_onboarding
        from .plan import wiring as wiring_plan
        from .soa import wiring as wiring_soa

        wiring_soa.register()
        wiring_iso27001.register()  # after the SoA: its loader needs the 42001 catalogue
        wiring_internal_audits.register()
        wiring_plan.register()
        wiring_certification.register()
        wiring_onboarding.register()

        # Certification auditors' view of the sampled systems follows each audit's sample.
        from .certification import access as certification_access

        certification_access.register()
