"""Registrations of internal audits, findings and management reviews: menu entries,
dashboard panels, evidence targets and corrective-action sources.
(called from audits.apps.ready())."""


def register() -> None:
    pass
