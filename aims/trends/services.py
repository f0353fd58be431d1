"""Taking the daily snapshot, and the rule of who sees organisation-wide trends."""

import logging
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from aims.errors import Code, RuleForbidden
from aims.permissions import has_global_perm
from aims.roles import OFFICER, role_names

from .models import DailySnapshot
from .registry import sources

logger = logging.getLogger(__name__)

REFUSAL = (
    "The trends and the executive summary count every record of the organisation, so only "
    "the roles that see all of them (governance officers, approvers and auditors) see them."
)


def trends_refusal(user) -> RuleForbidden | None:
    """Why ``user`` may not see the organisation-wide trends (None: they may).

    The figures count every AI system, incident and corrective action, whoever owns them;
    showing them to someone who sees only their own records would leak what they may not
    open. So the viewer must hold every source's permission to see all of its records
    (officers, approvers and auditors do; system owners do not)."""
    if not user.is_authenticated:
        return RuleForbidden(REFUSAL, code=Code.PERMISSION_DENIED)
    if not sources() or not all(has_global_perm(user, s.permission) for s in sources()):
        return RuleForbidden(REFUSAL, code=Code.PERMISSION_DENIED)
    return None


def can_view_trends(user) -> bool:
    return trends_refusal(user) is None


TAKE_REFUSAL = (
    "Only a governance officer may take the day's snapshot by hand; the daily task takes it "
    "for everyone else."
)


def snapshot_take_refusal(user) -> RuleForbidden | None:
    """Why ``user`` may not take today's snapshot now (None: they may). Officers run the AIMS
    and answer for its figures; a snapshot taken by hand is one they stand behind."""
    if not user.is_authenticated or OFFICER not in role_names(user):
        return RuleForbidden(TAKE_REFUSAL, code=Code.PERMISSION_DENIED)
    return None


def current_figures(today: date) -> dict[str, int]:
    """Every source's figures as they stand now, merged into one mapping."""
    figures: dict[str, int] = {}
    for source in sources():
        figures.update(source.figures(today))
    return figures


def take_snapshot(today: date | None = None, *, actor=None) -> DailySnapshot:
    """Record today's figures: one row per day, updated when taken again the same day (a
    retried task or a second run of the command changes the figures, never adds a row).
    ``actor``: the officer who took it by hand (none for the daily task), kept in history."""
    today = today or timezone.localdate()
    figures = current_figures(today)
    try:
        return _store(today, figures, actor)
    except IntegrityError:  # another worker created the day's row between our read and write
        return _store(today, figures, actor)


@transaction.atomic
def _store(today: date, figures: dict[str, int], actor=None) -> DailySnapshot:
    snapshot = DailySnapshot.objects.select_for_update().filter(day=today).first()
    if snapshot is None:
        snapshot = DailySnapshot(day=today)
    snapshot.figures = figures
    snapshot.origin = DailySnapshot.Origin.LIVE
    snapshot.taken_at = timezone.now()
    snapshot._change_reason = (
        f"Snapshot of {today:%Y-%m-%d} taken by hand"
        if actor
        else f"Daily snapshot of {today:%Y-%m-%d}"
    )
    if actor is not None:
        snapshot._history_user = actor
    snapshot.save()
    logger.info("Trends snapshot of %s: %d figures", today, len(figures))
    return snapshot
