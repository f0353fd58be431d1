"""Model permissions of the audits app, by role."""

from aims.roles import AUDITOR, OFFICER

# Requesting an evidence pack is how an auditor reads: it is the one request an auditor
# makes, and it changes no record of the management system.
PACKS = ["audits.view_evidencepack", "audits.request_evidencepack"]

PERMISSIONS: dict[str, list[str]] = {
    OFFICER: ["audits.view_chainlink", *PACKS],
    AUDITOR: ["audits.view_chainlink", *PACKS],
}
