"""The packs' part of the recovery sweep (aims.outbox): builds whose worker died are queued
again, and queued builds whose message was lost (a broker restarted empty) are sent again."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from aims.history import save_with_history
from aims.outbox.models import OutboxMessage

from ..models import EvidencePack
from . import services

logger = logging.getLogger(__name__)
Status = EvidencePack.Status

#: A queued pack not started after this many leases is sent again (its message may be lost);
#: a duplicate is harmless: the build steps aside for a pack ready or held under a live lease.
QUEUED_RESEND_LEASES = 5


def recover_packs(**_kwargs) -> int:
    """Queue again every build whose lease expired, and send again every queued build that
    waits too long without a message waiting in the outbox. Returns how many."""
    now = timezone.now()
    lease = timedelta(seconds=settings.AIMS_TASK_LEASE_SECONDS)
    waiting_keys = OutboxMessage.objects.filter(sent_at__isnull=True).values_list("key", flat=True)
    waiting = set(waiting_keys)
    candidates = EvidencePack.objects.filter(
        status__in=(Status.RUNNING, Status.QUEUED), updated_at__lt=now - lease
    ).values_list("pk", flat=True)
    recovered = 0
    for pack_id in list(candidates[:200]):
        if services.pack_key(pack_id) in waiting:
            continue  # the outbox sends it when the broker is back
        if _requeue(pack_id, now, lease):
            recovered += 1
    return recovered


def _requeue(pack_id: int, now, lease: timedelta) -> bool:
    with transaction.atomic():
        pack = EvidencePack.objects.select_for_update().get(pk=pack_id)
        if pack.status == Status.RUNNING and services.lease_expired(pack, now):
            logger.warning("Evidence pack %s: its worker stopped at %s%%; queued again",
                           pack.reference, pack.progress)  # fmt: skip
            pack.status = Status.QUEUED
            pack.step = f"Queued again: the worker building it stopped at {pack.progress}%."
            pack.progress = 0
            save_with_history(
                pack, actor=pack.requested_by, reason="Evidence pack queued again (worker stopped)"
            )
        elif pack.status == Status.QUEUED and now - pack.updated_at > lease * QUEUED_RESEND_LEASES:
            EvidencePack.objects.filter(pk=pack_id).update(updated_at=now)
        else:
            return False
        services.send_build(pack)
    return True
