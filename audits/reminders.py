"""The app's reminder sources, found here by aims.reminders.sweep.run_sweep: the actions decided
at management reviews (see :mod:`audits.reviews.reminders`)."""

from .reviews.reminders import SOURCES

__all__ = ["SOURCES"]
