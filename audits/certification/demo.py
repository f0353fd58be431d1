"""Demo certification records, played through the services as the demo officer: a
certification body, a completed stage 1 audit with two minor nonconformities (one still open,
its corrective action owned by the demo system owner; one answered by a response the body
accepted) and one opportunity for improvement, and the stage 2 audit planned next month over
two sampled AI systems. Idempotent: each record is
keyed by its name or title and left alone if it exists. Skipped without the catalogue."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from inventory.models import AISystem

from ..models import CatalogueItem, CertificationBody, ExternalAudit
from . import findings, services

User = get_user_model()
BODY_NAME = "Northbridge Assurance Services (demo)"
STAGE1_TITLE = "Stage 1: documentation and readiness"
STAGE2_TITLE = "Stage 2: implementation and effectiveness"


def _user(name: str):
    return User.objects.filter(username=name, is_active=True).first()


def load(*, stdout) -> None:
    officer, owner = _user("officer"), _user("owner")
    if officer is None or not CatalogueItem.objects.filter(code="7.5.1").exists():
        return
    today = timezone.localdate()
    body = CertificationBody.objects.filter(name=BODY_NAME).first() or services.body_save(
        actor=officer,
        body=CertificationBody(),
        data={
            "name": BODY_NAME,
            "accreditation": "Accredited for ISO/IEC 42001 (demo reference AB-4201)",
            "country": "United Kingdom",
            "contact_name": "Dana Whitfield",
            "contact_email": "audits@northbridge.example",
        },
    )
    if not ExternalAudit.objects.filter(title=STAGE1_TITLE).exists():
        _stage1(officer, owner or officer, body, today)
    if not ExternalAudit.objects.filter(title=STAGE2_TITLE).exists():
        systems = list(AISystem.objects.order_by("id")[:2])
        services.audit_save(
            actor=officer,
            audit=ExternalAudit(),
            data={
                "body": body,
                "kind": ExternalAudit.Kind.STAGE_2,
                "title": STAGE2_TITLE,
                "start_date": today + timedelta(days=30),
                "end_date": today + timedelta(days=32),
                "scope": "The AIMS as scoped, with the sampled AI systems' operating records.",
                "lead_auditor": "Dana Whitfield",
                "period_start": today - timedelta(days=180),
                "period_end": today,
                "sampled_systems": systems,
            },
        )
    stdout.write("Demo certification: a body, a completed stage 1, a planned stage 2")


def _stage1(officer, owner, body, today) -> None:
    audit = services.audit_save(
        actor=officer,
        audit=ExternalAudit(),
        data={
            "body": body,
            "kind": ExternalAudit.Kind.STAGE_1,
            "title": STAGE1_TITLE,
            "start_date": today - timedelta(days=21),
            "end_date": today - timedelta(days=20),
            "scope": "Documented information of the AIMS (clause 7.5) and readiness for stage 2.",
            "lead_auditor": "Dana Whitfield",
        },
    )
    services.audit_transition(actor=officer, audit=audit, action="start")
    findings.record_finding(
        audit=audit,
        actor=officer,
        kind="minor",
        title="Retention of monitoring records is not defined",
        description="No retention period is set for the monitoring records of AI systems.",
        clauses=list(CatalogueItem.objects.filter(code="7.5.3")),
        response_due=today + timedelta(days=25),
        owner=owner,
    )
    answered = findings.record_finding(
        audit=audit,
        actor=officer,
        kind="minor",
        title="Committee members' AI training not evidenced",
        description="Two members of the AI committee have no training record for their role.",
        clauses=list(CatalogueItem.objects.filter(code="7.2")),
        response_due=today + timedelta(days=10),
        owner=officer,
    )
    findings.send_response(
        finding=answered,
        actor=officer,
        correction="Both members completed the committee course; records added.",
        root_cause="Committee membership changes did not trigger the training requirement.",
        corrective_action_taken="Joining the committee now assigns its responsibility and the "
        "course it requires.",
        sent_on=today - timedelta(days=2),
    )
    findings.close_finding(finding=answered, actor=officer, note="Accepted by the body.")
    findings.record_finding(
        audit=audit,
        actor=officer,
        kind="ofi",
        title="Link objectives to the risk register",
        description="Objectives could cite the risks they reduce.",
        clauses=list(CatalogueItem.objects.filter(code="6.2")),
    )
    services.audit_transition(
        actor=officer,
        audit=audit,
        action="complete",
        outcome=ExternalAudit.Outcome.READY_FOR_STAGE_2,
        notes="Documentation adequate; one minor nonconformity to answer before stage 2.",
    )
