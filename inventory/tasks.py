"""The app's Celery tasks, found here by ``autodiscover_tasks``; each lives with its domain."""

from .registry.tasks import sync_model_registry_links

__all__ = ["sync_model_registry_links"]
