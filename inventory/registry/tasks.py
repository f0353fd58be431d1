"""Celery task of the model registry sync (scheduled by beat, see
aims.reminders.services.SCHEDULES): loads nothing itself, calls the service."""

from celery import shared_task


@shared_task(name="inventory.tasks.sync_model_registry_links")
def sync_model_registry_links() -> dict:
    """Read every followed registry model and report what moved (idempotent: a change
    already reported is not reported again)."""
    from .services import sync_all

    return sync_all()
