"""Scheduled reminders. ``SOURCES`` here are aims' own reminder sources, found by the sweep
under this module's name like every app's ``<app>.reminders``."""

from aims.reminders.own_sources import SOURCES

__all__ = ["SOURCES"]
