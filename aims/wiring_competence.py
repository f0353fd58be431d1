"""Registrations of training, responsibilities and the evidence library: menu entries,
dashboard panels, evidence targets and corrective-action sources.
(called from aims.apps.ready())."""


def register() -> None:
    pass
