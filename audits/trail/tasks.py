"""Celery task of the audit trail. Named as when it lived in ``audits.tasks``, so the beat
schedule (a PeriodicTask naming ``audits.tasks.sign_trail_checkpoint``) keeps working."""

from celery import shared_task


@shared_task(name="audits.tasks.sign_trail_checkpoint")
def sign_trail_checkpoint() -> int:
    """Sign the audit trail's head (daily, from the beat schedule): answers its sequence."""
    from ..models import TrailCheckpoint
    from .checkpoints import create_checkpoint

    return create_checkpoint(TrailCheckpoint.Occasion.SCHEDULED).sequence
