"""Registrations of scope, context, policies and objectives: menu entries,
dashboard panels, evidence targets and corrective-action sources.
(called from aims.apps.ready())."""


def register() -> None:
    pass
