"""Registrations of reminders and digests: menu entries,
dashboard panels, evidence targets and corrective-action sources.
(called from aims.apps.ready())."""


def register() -> None:
    pass
