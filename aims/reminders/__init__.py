"""Scheduled reminders: the daily sweep over every due date of the AIMS, and the digest email.

- :mod:`.sources` what a reminder source is (:class:`~.sources.Due`,
  :class:`~.sources.ReminderSource`, ``url_for``, ``horizon``), their discovery in every
  app's ``<app>.reminders`` module, and the reminder rules;
- :mod:`.sweep` the sweep (``run_sweep``, run by ``manage.py run_reminders`` and the
  ``aims.tasks.run_reminder_sweep`` task), :mod:`.digest` the digest email (claimed by the
  sweep, sent by ``aims.tasks.send_reminder_digest``);
- :mod:`.own_sources` aims' own sources (policy reviews, evidence expiry, corrective
  actions, training expiry), exported here as ``SOURCES``: the sweep finds this app's
  sources under ``aims.reminders`` like any other app's;
- :mod:`.services` the writes (rules, the beat schedules), :mod:`.forms`, :mod:`.views`,
  :mod:`.urls` the pages under /reminders/ (namespace "reminders"), :mod:`.api` the REST API;
- :mod:`.admin`, :mod:`.wiring` (menu, admin, rules and schedules after migrate),
  :mod:`.demo`.

The Celery tasks stay in aims.tasks under their names; the models in aims.models.
"""

from aims.reminders.own_sources import SOURCES

__all__ = ["SOURCES"]
