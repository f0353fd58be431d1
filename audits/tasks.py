"""The app's Celery tasks, found here by ``autodiscover_tasks``. Each lives in its domain's
``tasks.py`` under an explicit name (the name it had when defined in this module), so the
beat schedule and tasks already queued keep working."""

from .certification.access_tasks import sweep_auditor_accesses
from .certification.finding_reminders import escalate_overdue_external_findings
from .packs.tasks import build_evidence_pack
from .trail.tasks import sign_trail_checkpoint

__all__ = [
    "build_evidence_pack",
    "escalate_overdue_external_findings",
    "sign_trail_checkpoint",
    "sweep_auditor_accesses",
]
