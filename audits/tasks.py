from celery import shared_task

from .services import evidence_pack_build


@shared_task(acks_late=True)
def build_evidence_pack(pack_id: int) -> str:
    """Load by id and build; the service records success or the reason of a failure."""
    return evidence_pack_build(pack_id=pack_id).status


@shared_task
def sign_trail_checkpoint() -> int:
    """Sign the audit trail's head (daily, from the beat schedule): answers its sequence."""
    from .models import TrailCheckpoint
    from .trail.checkpoints import create_checkpoint

    return create_checkpoint(TrailCheckpoint.Occasion.SCHEDULED).sequence
