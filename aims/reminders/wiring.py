"""Registrations of reminders and digests: the menu entry, the admin of reminder rules, and
the post_migrate hook that creates the rules and the beat schedules
(called from aims.apps.ready())."""

import logging

logger = logging.getLogger(__name__)


def create_rules_and_schedules(sender, using: str = "default", **kwargs) -> None:
    """After migrate: the reminder rules and periodic tasks that do not exist yet.
    Existing ones are left as officers set them."""
    if sender.label not in ("aims", "django_celery_beat"):
        return
    from django.db import DEFAULT_DB_ALIAS, connections

    from aims.models import ReminderRule
    from aims.reminders.services import ensure_schedules
    from aims.reminders.sources import ensure_rules

    created = ensure_schedules(using=using)
    if created and kwargs.get("verbosity", 1) >= 1:
        logger.info("Periodic tasks created: %s", ", ".join(created))
    tables = connections[using].introspection.table_names()
    if using == DEFAULT_DB_ALIAS and ReminderRule._meta.db_table in tables:
        ensure_rules(history=False)


def register() -> None:
    from django.contrib import admin
    from django.db.models.signals import post_migrate

    from aims.models import ReminderRule
    from aims.navigation import NavItem, register_nav
    from aims.reminders.admin import ReminderRuleAdmin

    register_nav(
        NavItem(
            92,
            "Reminders",
            "reminders:settings",
            "aims.view_reminderrule",
            app_name="reminders",
            group="Settings",
        )
    )
    if not admin.site.is_registered(ReminderRule):
        admin.site.register(ReminderRule, ReminderRuleAdmin)
    post_migrate.connect(create_rules_and_schedules, dispatch_uid="aims.reminders.post_migrate")
