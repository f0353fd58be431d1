"""Model permissions of incidents and monitoring, by role. Owners act on the incidents and
metrics of their own systems: the services check the system's object permission too.
Every role reads the incident time targets; governance officers change them."""

from aims.roles import APPROVER, AUDITOR, OFFICER, OWNER

VIEW_TARGETS = "incidents.view_incidenttimetarget"
VIEW_ALL = ["incidents.view_incident", "incidents.view_metric", VIEW_TARGETS]
OWNER_WRITE = [
    "incidents.add_incident",
    "incidents.change_incident",
    "incidents.add_metric",
    "incidents.change_metric",
    "incidents.add_observation",
]

PERMISSIONS: dict[str, list[str]] = {
    OFFICER: [
        *VIEW_ALL,
        *OWNER_WRITE,
        "incidents.report_serious_incident",
        "incidents.change_incidenttimetarget",
    ],
    APPROVER: list(VIEW_ALL),
    OWNER: [*OWNER_WRITE, VIEW_TARGETS],
    AUDITOR: list(VIEW_ALL),
}
