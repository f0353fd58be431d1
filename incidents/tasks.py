"""Celery tasks of monitoring: each only calls a service (idempotent, safe to retry)."""

from celery import shared_task


@shared_task
def check_metric_staleness() -> int:
    """Raise a staleness alert on every silent metric; schedule it every few minutes."""
    from .services import monitoring_check_staleness

    return len(monitoring_check_staleness())
