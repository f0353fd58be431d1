"""Escalation: who is told about an incident (the owners of its systems and the governance
officers; approvers too for SEV1 and SEV2), and the notification sent when an incident is
reported, its severity is raised or it is marked serious."""

from aims.notifications.services import notify, users_in_role
from aims.roles import APPROVER, OFFICER

from ..models import ESCALATE_TO_APPROVERS, Incident
from ._common import incident_url


def escalation_recipients(incident: Incident) -> list:
    """System owners and governance officers; approvers too for SEV1 and SEV2."""
    recipients = {s.owner for s in incident.systems.select_related("owner")}
    recipients.add(incident.system.owner)
    recipients.update(users_in_role(OFFICER))
    if incident.severity in ESCALATE_TO_APPROVERS:
        recipients.update(users_in_role(APPROVER))
    return sorted(recipients, key=lambda u: u.pk)


def _escalate(incident: Incident, headline: str) -> None:
    notify(
        recipients=escalation_recipients(incident),
        title=f"{incident.reference} {incident.get_severity_display()}: {headline}",
        body=incident.title,
        link=incident_url(incident),
    )
