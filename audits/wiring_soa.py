"""Registrations of the catalogue, SoA and readiness: menu entries,
dashboard panels, evidence targets and corrective-action sources.
(called from audits.apps.ready())."""


def register() -> None:
    pass
