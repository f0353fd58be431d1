"""Background work gives way to people waiting for a page.

An evidence pack keeps every core busy for a while (its sections are laid out in several
WeasyPrint processes at once); on a machine that also serves the web application, a request
that arrives meanwhile would wait behind it. The Celery worker, and the PDF processes a build
starts, therefore run at a lower scheduling priority (a higher "niceness",
``AIMS_BACKGROUND_NICENESS``): they still get every core that requests leave idle.
"""

from __future__ import annotations

import logging
import os

logger = logging.getLogger(__name__)


def lower_priority(niceness: int, pid: int = 0) -> int:
    """Lower the priority of process ``pid`` (0: this one) to at least ``niceness``; never
    raise it back (that takes privileges and would undo what an operator set). Answers the
    niceness now in force (0 where the system has none)."""
    if not hasattr(os, "getpriority"):
        return 0
    current = os.getpriority(os.PRIO_PROCESS, pid)
    if current < niceness:
        try:
            os.setpriority(os.PRIO_PROCESS, pid, min(niceness, 19))
        except OSError:  # a sandbox that forbids it: run at the priority it has
            logger.warning("Could not lower the priority of process %s to %s", pid, niceness)
            return current
    return os.getpriority(os.PRIO_PROCESS, pid)


def _lower_worker_priority(**_kwargs) -> None:
    from django.conf import settings

    lower_priority(settings.AIMS_BACKGROUND_NICENESS)


def register() -> None:
    # worker_init runs in the Celery worker's main process before it starts its pool: the
    # pool's processes, and the PDF processes they start, inherit the priority.
    from celery.signals import worker_init

    worker_init.connect(_lower_worker_priority, weak=False,
                        dispatch_uid="aims.background_priority")  # fmt: skip
