"""Celery task of evidence packs. Named as when it lived in ``audits.tasks``, so queued
builds keep working."""

from celery import shared_task

from .services import evidence_pack_build


@shared_task(name="audits.tasks.build_evidence_pack", acks_late=True)
def build_evidence_pack(pack_id: int) -> str:
    """Load by id and build; the service records success or the reason of a failure."""
    return evidence_pack_build(pack_id=pack_id).status
