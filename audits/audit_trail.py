"""Kept for the migrations that name it; the audit trail lives in :mod:`audits.trail`."""

from .trail.guard import install_history_guard  # noqa: F401
