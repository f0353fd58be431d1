"""A worker, as it starts, runs the recovery sweep: what was requested while the broker was
down, and builds whose worker died, start without waiting for the next beat tick."""

import logging

from celery.signals import worker_ready

logger = logging.getLogger(__name__)


def _sweep_on_worker_start(**_kwargs) -> None:
    from django.db import close_old_connections

    from .services import recover

    try:
        logger.info("Recovery sweep at worker start: %s", recover())
    except Exception:  # noqa: BLE001 -- a worker starts even if the sweep cannot run now
        logger.exception("Recovery sweep at worker start failed; beat runs it again")
    finally:
        close_old_connections()


def register() -> None:
    worker_ready.connect(_sweep_on_worker_start, weak=False,
                         dispatch_uid="aims.outbox.worker_ready")  # fmt: skip
