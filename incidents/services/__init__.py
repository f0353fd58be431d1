"""Every write to incidents and monitoring, with its business rules. Views, API, tasks and the
demo call these functions; nothing else writes incident or monitoring records.

The services live in sub-modules, one per part of the app; this package re-exports them, so
``from incidents import services`` and ``services.incident_report(...)`` work as before:

- :mod:`.incidents` reporting, editing, severity, workflow transitions and notes;
- :mod:`.escalation` who is told about an incident, and the telling;
- :mod:`.regulatory` the EU AI Act Article 73 clock: serious incidents and their reports;
- :mod:`.monitoring` metrics, observations, alerts and the incidents a breach opens;
- :mod:`._common` the helpers they share (the timeline writer among them).
"""

from ._common import FUTURE_TOLERANCE, can_change_incident, incident_url
from .escalation import escalation_recipients
from .incidents import (
    DETAIL_FIELDS,
    TIMESTAMPS,
    TRANSITIONS,
    Transition,
    available_transitions,
    close_blockers,
    incident_add_note,
    incident_report,
    incident_set_severity,
    incident_transition,
    incident_update,
    severity_change_refusal,
    severity_choices,
)
from .monitoring import (
    METRIC_FIELDS,
    IngestResult,
    _open_alert,
    latest_observation_time,
    metric_save,
    monitoring_check_staleness,
    observations_ingest,
)
from .regulatory import (
    SERIOUS_PERMISSION,
    awareness_correction_refusal,
    awareness_edit_refusal,
    can_correct_awareness,
    hours_late,
    incident_correct_awareness,
    incident_mark_serious,
    incident_record_report,
    is_high_risk,
    report_due_at,
    reporting_deadline,
)

__all__ = [
    "DETAIL_FIELDS",
    "SERIOUS_PERMISSION",
    "awareness_correction_refusal",
    "awareness_edit_refusal",
    "can_correct_awareness",
    "hours_late",
    "incident_correct_awareness",
    "report_due_at",
    "severity_change_refusal",
    "severity_choices",
    "FUTURE_TOLERANCE",
    "METRIC_FIELDS",
    "TIMESTAMPS",
    "TRANSITIONS",
    "IngestResult",
    "Transition",
    "_open_alert",  # the monitoring tests open alerts directly
    "available_transitions",
    "can_change_incident",
    "close_blockers",
    "escalation_recipients",
    "incident_add_note",
    "incident_mark_serious",
    "incident_record_report",
    "incident_report",
    "incident_set_severity",
    "incident_transition",
    "incident_update",
    "incident_url",
    "is_high_risk",
    "latest_observation_time",
    "metric_save",
    "monitoring_check_staleness",
    "observations_ingest",
    "reporting_deadline",
]
