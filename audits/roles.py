"""Model permissions of the audits app, by role."""

from aims.roles import AUDITOR, OFFICER

PERMISSIONS: dict[str, list[str]] = {
    OFFICER: ["audits.view_chainlink"],
    AUDITOR: ["audits.view_chainlink"],
}
