"""Celery task of auditor accesses: the daily sweep (see access.sweep_ended_accesses)."""

from celery import shared_task


@shared_task(name="audits.tasks.sweep_auditor_accesses")
def sweep_auditor_accesses() -> int:
    """Take the scope from auditors whose access ended (and give it to those whose access
    starts today). Idempotent: answers the number of permissions added or removed."""
    from .access import sweep_ended_accesses

    return sweep_ended_accesses()
