"""Demo incidents, monitoring and corrective actions, played through the services.

Idempotent: keyed by incident title and metric name; a second run creates nothing. Called by
inventory's load_demo (which finds ``<app>/demo.py``)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from aims.capa import services as capa_services
from inventory.models import AISystem

from . import services
from .models import Incident, Metric, ReportKind

User = get_user_model()

CHATBOT = "Customer support chatbot"
CV = "CV screening assistant"


def _user(name: str):
    return User.objects.filter(username=name).first()


def _system(name: str) -> AISystem | None:
    return AISystem.objects.filter(name=name).order_by("id").first()


def load(*, stdout) -> None:
    officer, owner = _user("officer"), _user("owner")
    chatbot, cv = _system(CHATBOT), _system(CV)
    if not (officer and owner and chatbot and cv):
        stdout.write("incidents demo: skipped (demo users or systems missing)")
        return
    created = 0
    chatbot_owner = chatbot.owner
    if not Metric.objects.filter(system=chatbot, name="Hallucination rate").exists():
        metric = services.metric_save(
            actor=chatbot_owner,
            metric=Metric(system=chatbot),
            data={
                "name": "Hallucination rate",
                "unit": "%",
                "direction": "higher_is_worse",
                "warning_threshold": 3.0,
                "breach_threshold": 5.0,
                "expected_interval_minutes": 60,
                "auto_incident_severity": "sev2",
            },
        )
        now = timezone.now().replace(minute=0, second=0, microsecond=0)
        values = [1.2 + (h % 5) * 0.3 for h in range(46)] + [3.4, 6.8]
        points = [(metric, now - timedelta(hours=47 - i), v) for i, v in enumerate(values)]
        services.observations_ingest(actor=chatbot_owner, observations=points)
        services.metric_save(
            actor=chatbot_owner,
            metric=Metric(system=chatbot),
            data={
                "name": "Escalations to a human",
                "unit": "per day",
                "direction": "higher_is_worse",
                "breach_threshold": 200,
                "expected_interval_minutes": 24 * 60,
            },
        )
        created += 2
    title = "Older applicants ranked systematically lower"
    if not Incident.objects.filter(title=title).exists():
        incident = services.incident_report(
            actor=cv.owner,
            system=cv,
            title=title,
            description="A recruiter noticed that applicants over 50 rarely reach the shortlist.",
            detection_channel="employee",
            category="bias",
            severity="sev2",
            people_affected=140,
            impact="Qualified applicants may have been rejected because of age.",
            flagged_high_risk=True,
            aware_at=timezone.now() - timedelta(days=3),
        )
        services.incident_transition(actor=officer, incident=incident, action="triage")
        services.incident_transition(actor=officer, incident=incident, action="investigate")
        services.incident_transition(
            actor=cv.owner,
            incident=incident,
            action="contain",
            note="Automatic ranking switched off; recruiters review every CV by hand.",
        )
        services.incident_mark_serious(actor=officer, incident=incident, case="general")
        capa_services.capa_create(
            actor=officer,
            source=incident,
            owner=cv.owner,
            title="Remove age proxies from the ranking features",
            nonconformity="The model uses graduation year, a proxy for age.",
            root_cause="Feature review before release did not look for proxies.",
            action_plan="Drop proxy features, retrain, re-run the bias test on a holdout.",
            due_date=timezone.localdate() + timedelta(days=21),
        )
        created += 1
    created += _serious_incident_reports(officer, cv)
    title = "Assistant suggested an outdated refund policy"
    if not Incident.objects.filter(title=title).exists():
        incident = services.incident_report(
            actor=chatbot_owner,
            system=chatbot,
            title=title,
            description="Two customers were told refunds are possible after 60 days.",
            detection_channel="user_complaint",
            category="inaccurate",
            severity="sev4",
        )
        for action, note in (
            ("triage", ""),
            ("contain", "Old policy article unpublished."),
            ("resolve", "The retrieval index still held the 2023 policy."),
            ("close", "Re-index after every policy change."),
        ):
            services.incident_transition(
                actor=chatbot_owner, incident=incident, action=action, note=note
            )
        created += 1
    stdout.write(f"incidents demo: {created} item(s) created")


INITIAL_ONLY = "Interview invitations sent to rejected applicants"
REPORTED_LATE = "Shortlists of one region dropped all part-time applicants"


def _serious_incident_reports(officer, cv: AISystem) -> int:
    """Two serious incidents on the Art. 73 clock, for the incident page, list, dashboard and
    packs: one with its initial report filed in time and the complete report still to come,
    one whose only report reached the authority hours after its 48-hour deadline."""
    created = 0
    now = timezone.now().replace(second=0, microsecond=0)
    if not Incident.objects.filter(title=INITIAL_ONLY).exists():
        incident = services.incident_report(
            actor=cv.owner,
            system=cv,
            title=INITIAL_ONLY,
            description="A template mix-up invited 38 rejected applicants to interviews and "
            "told 12 shortlisted ones they had been rejected.",
            detection_channel="user_complaint",
            category="inaccurate",
            severity="sev2",
            people_affected=50,
            impact="Applicants received the wrong decision about their application.",
            aware_at=now - timedelta(days=6, hours=3),
        )
        services.incident_transition(actor=officer, incident=incident, action="triage")
        incident = services.incident_mark_serious(actor=officer, incident=incident, case="general")
        # Art. 73(5): an initial, incomplete report first, well inside the 15 days; the
        # complete report is pending (its deadline shows with date, time and zone).
        services.incident_record_report(
            actor=officer,
            incident=incident,
            reference="MSA-2026-0412 (initial)",
            kind=ReportKind.INITIAL,
            submitted_at=now - timedelta(days=4),
        )
        created += 1
    if not Incident.objects.filter(title=REPORTED_LATE).exists():
        aware = now - timedelta(days=5, hours=2)
        incident = services.incident_report(
            actor=cv.owner,
            system=cv,
            title=REPORTED_LATE,
            description="After a feature update, every part-time applicant from one region "
            "was ranked below the cut-off.",
            detection_channel="monitoring",
            category="bias",
            severity="sev2",
            people_affected=420,
            impact="Part-time applicants, mostly women, were excluded from shortlists.",
            aware_at=aware,
        )
        services.incident_transition(actor=officer, incident=incident, action="triage")
        incident = services.incident_mark_serious(
            actor=officer, incident=incident, case="widespread"
        )
        # Filed 7 hours after the 48-hour deadline: the lateness is kept on the incident.
        services.incident_record_report(
            actor=officer,
            incident=incident,
            reference="MSA-2026-0398",
            kind=ReportKind.COMPLETE,
            submitted_at=incident.report_due_at + timedelta(hours=6, minutes=20),
        )
        created += 1
    return created
