"""Kept for the migrations that name it; the audit trail lives in :mod:`audits.trail`."""

from .trail.chain import historical_models, seal_rows  # noqa: F401
from .trail.guard import install_history_guard  # noqa: F401
from .trail.verify import verify_chain  # noqa: F401
