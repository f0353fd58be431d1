"""Registrations of the ISO/IEC 27001 reuse: the loader after migrate, the menu entry and the
controls as evidence targets (called from audits.apps.ready(), after the SoA's wiring so the
42001 catalogue is loaded first)."""


def register() -> None:
    from django.db.models.signals import post_migrate

    from aims.evidence.registry import register_attachable
    from aims.navigation import NavItem, register_nav

    from .loader import load_after_migrate
    from .models import SecurityControl

    post_migrate.connect(load_after_migrate, dispatch_uid="audits_load_iso27001")
    register_nav(
        NavItem(
            62,
            "ISO/IEC 27001 controls",
            "iso27001:control_list",
            "audits.view_securitycontrol",
            app_name="iso27001",
            group="Assurance",
        )
    )
    register_attachable(SecurityControl)
