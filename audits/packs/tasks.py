"""Celery task of evidence packs. Named as when it lived in ``audits.tasks``, so queued
builds keep working."""

from celery import shared_task

from .services import evidence_pack_build


@shared_task(name="audits.tasks.build_evidence_pack", bind=True, acks_late=True,
             reject_on_worker_lost=True, ignore_result=True)  # fmt: skip
def build_evidence_pack(self, pack_id: int) -> str:
    """Load by id and build; the service records success or the reason of a failure. Late
    acknowledgement: a worker killed mid-build leaves the message to be delivered again, and
    the build's lease (renewed while a worker builds) lets the next worker take it over."""
    return evidence_pack_build(pack_id=pack_id, heartbeat=not self.request.is_eager).status
