"""Registrations of webhooks (called from aims.apps.ready()): due retries queued by the
recovery sweep (beat, every minute), the menu entry and the read-only admin."""


def _queue_due_retries(**_kwargs) -> int:
    from .services import retry_due

    return retry_due()


def register() -> None:
    from django.contrib import admin

    from aims.navigation import NavItem, register_nav
    from aims.outbox.services import recovery_sweep

    from .admin import WebhookDeliveryAdmin, WebhookSubscriptionAdmin
    from .models import WebhookDelivery, WebhookSubscription

    recovery_sweep.connect(_queue_due_retries, weak=False, dispatch_uid="aims.webhooks.retries")
    register_nav(
        NavItem(96, "Webhooks", "webhooks:subscription_list", "aims.change_webhooksubscription",
                app_name="webhooks", group="Settings")
    )  # fmt: skip
    if not admin.site.is_registered(WebhookSubscription):
        admin.site.register(WebhookSubscription, WebhookSubscriptionAdmin)
        admin.site.register(WebhookDelivery, WebhookDeliveryAdmin)
