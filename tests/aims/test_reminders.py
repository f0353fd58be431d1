"""The daily reminder sweep: every source, once per record and stage, and one digest email per
person per day."""

from datetime import date, time, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from aims.capa import services as capa_services
from aims.evidence.services import evidence_create
from aims.models import (
    Course,
    DigestLog,
    Evidence,
    Notification,
    Policy,
    ReminderRule,
    TrainingRecord,
)
from aims.reminders import services as reminder_services
from aims.reminders.schedules import ScheduleChoice
from aims.reminders.sources import discover_sources, ensure_rules
from aims.reminders.sweep import run_sweep
from audits.models import ManagementReview, ReviewAction
from incidents import services as incident_services
from incidents.models import Incident
from inventory.models import AISystem
from risk import services as risk_services
from risk.models import Risk
from suppliers import services as supplier_services

from ..factories import RISK_DATA, make_system, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def today() -> date:
    return timezone.localdate()


def days(today: date, n: int) -> date:
    return today + timedelta(days=n)


def sweep_notes(kind: str | None = None):
    notes = Notification.objects.exclude(dedupe_key="")
    return notes.filter(dedupe_key__startswith=f"{kind}:") if kind else notes


def report_incident(owner, system, **overrides) -> Incident:
    data = {
        "title": "Wrong answers to customers",
        "description": "The bot invents refund rules",
        "detection_channel": "user_complaint",
        "category": "inaccurate",
        "severity": "sev3",
        **overrides,
    }
    return incident_services.incident_report(actor=owner, system=system, **data)


# --- One builder per source: a record due in 3 days, and who should hear of it ------------


def due_system(ctx):
    AISystem.objects.filter(pk=ctx.system.pk).update(next_review_date=days(ctx.today, 3))
    return ctx.owner, f"/systems/{ctx.system.pk}/"


def due_policy(ctx):
    policy = Policy.objects.create(
        title="AI policy", owner=ctx.officer, next_review_date=days(ctx.today, 3)
    )
    return ctx.officer, policy.reference


def due_evidence(ctx):
    evidence_create(
        actor=ctx.owner,
        target=ctx.system,
        title="DPIA",
        url="https://example.org/dpia",
        valid_until=days(ctx.today, 3),
    )
    return ctx.owner, "DPIA"


def due_capa(ctx):
    capa = capa_services.capa_create(
        actor=ctx.officer,
        source=report_incident(ctx.owner, ctx.system),
        owner=ctx.owner,
        title="Fix the refund prompt",
        nonconformity="Wrong refunds",
        action_plan="Rewrite the prompt",
        due_date=days(ctx.today, 3),
    )
    return ctx.owner, f"/capa/{capa.pk}/"


def due_training(ctx):
    course = Course.objects.create(title="AI literacy basics", validity_months=12)
    TrainingRecord.objects.create(
        user=ctx.owner,
        course=course,
        completed_on=days(ctx.today, -362),
        expires_on=days(ctx.today, 3),
        recorded_by=ctx.officer,
    )
    return ctx.owner, "AI literacy basics"


def due_risk(ctx):
    risk = risk_services.risk_save(
        actor=ctx.owner,
        risk=Risk(system=ctx.system),
        data={**RISK_DATA, "review_date": days(ctx.today, 3)},
    )
    return ctx.owner, f"/risk/risks/{risk.pk}/"


def due_supplier(ctx):
    supplier = supplier_services.supplier_create(
        actor=ctx.officer,
        data={
            "name": "Acme Models",
            "supplier_type": "model_provider",
            "criticality": "high",
            "next_reassessment_date": days(ctx.today, 3),
        },
    )
    return ctx.officer, f"/suppliers/{supplier.pk}/"


def due_report(ctx):
    incident = report_incident(ctx.owner, ctx.system)
    Incident.objects.filter(pk=incident.pk).update(reporting_deadline=days(ctx.today, 3))
    return ctx.owner, f"/incidents/{incident.pk}/"


def due_review_action(ctx):
    review = ManagementReview.objects.create(
        title="Q1 management review", meeting_date=ctx.today, chair=ctx.officer
    )
    ReviewAction.objects.create(
        review=review,
        description="Budget for bias testing",
        owner=ctx.owner,
        due_date=days(ctx.today, 3),
    )
    return ctx.owner, "Budget for bias testing"


def due_readiness_gap(ctx):
    from audits.models import GapAssignment

    GapAssignment.objects.create(
        kind="not_ready",
        record="A.6.2.6",
        owner=ctx.owner,
        due_date=days(ctx.today, 3),
        assigned_by=ctx.officer,
    )
    return ctx.owner, "A.6.2.6"


def due_finding(ctx):
    from audits.models import Finding, InternalAudit

    audit = InternalAudit.objects.create(
        title="Reminded audit",
        scope="Everything",
        lead_auditor=ctx.officer,
        planned_start=ctx.today,
        planned_end=ctx.today,
    )
    finding = Finding.objects.create(
        audit=audit,
        kind="minor",
        title="Policy not reviewed",
        description="d",
        raised_by=ctx.officer,
        owner=ctx.owner,
        due_date=days(ctx.today, 3),
    )
    return ctx.owner, finding.reference


def due_vendor_change(ctx):
    """A vendor change unassessed on a deployed high-tier system, flagged four days ago (an
    assessment is due a week after the flag)."""
    from datetime import datetime, time

    from aims.roles import APPROVER
    from suppliers.models import VendorChangeImpact

    from ..suppliers.helpers import deployed_system, link_component, make_supplier

    approver = user_with_role(APPROVER, username="approver_reminders")
    supplier = make_supplier(ctx.officer)
    system = deployed_system(ctx.owner, ctx.officer, approver, name="Reminded bot")
    link_component(ctx.owner, system, supplier)
    notice = supplier_services.vendor_change_record(
        actor=ctx.officer,
        supplier=supplier,
        data={"affected_service": "acme", "kind": "deprecation", "source": "press", "title": "t"},
    )
    flagged = timezone.make_aware(datetime.combine(days(ctx.today, -4), time(12)))
    VendorChangeImpact.objects.filter(notice=notice).update(created_at=flagged)
    return ctx.owner, notice.reference


def due_condition(ctx):
    from inventory.models import Approval, ApprovalCondition

    approval = Approval.objects.create(
        system=ctx.system, gate="intake", approver=ctx.officer, decision="approve_with_conditions"
    )
    ApprovalCondition.objects.create(
        system=ctx.system,
        approval=approval,
        text="Monthly bias report",
        owner=ctx.owner,
        due_on=days(ctx.today, 3),
    )
    return ctx.owner, "Monthly bias report"


def due_plan_task(ctx):
    from audits.models import PlanTask

    PlanTask.objects.create(
        title="Write the AI policy",
        phase=1,
        owner=ctx.owner,
        due_date=days(ctx.today, 3),
        created_by=ctx.officer,
    )
    return ctx.owner, "Write the AI policy"


def due_external_finding(ctx):
    from audits.certification import findings as certification_findings
    from audits.models import CatalogueItem

    from ..matrix.cases_certification_findings import make_audit

    item, _ = CatalogueItem.objects.get_or_create(
        code="R.1", defaults={"kind": "control", "title": "Reminded control", "sort_key": "9.R1"}
    )
    finding = certification_findings.record_finding(
        audit=make_audit(ctx.officer),
        actor=ctx.officer,
        kind="minor",
        title="Logs not kept",
        description="d",
        clauses=[item],
        response_due=days(ctx.today, 3),
        owner=ctx.owner,
    )
    return ctx.owner, finding.reference


def due_external_audit(ctx):
    from audits.certification.models import CertificationBody, ExternalAudit

    body = CertificationBody.objects.create(name="Reminded body")
    audit = ExternalAudit.objects.create(
        body=body,
        kind="stage1",
        start_date=days(ctx.today, 3),
        end_date=days(ctx.today, 3),
        scope="All",
        created_by=ctx.officer,
    )
    return ctx.officer, audit.reference


def due_certificate_expiry(ctx):
    from audits.certification.models import Certificate, CertificationBody

    body = CertificationBody.objects.create(name="Expiring body")
    Certificate.objects.create(
        number="REMINDED-1",
        body=body,
        scope="All",
        issued_on=days(ctx.today, -1000),
        expires_on=days(ctx.today, 3),
        created_by=ctx.officer,
    )
    return ctx.officer, "REMINDED-1"


BUILDERS = {
    "approval-condition": due_condition,
    "system-review": due_system,
    "policy-review": due_policy,
    "evidence-expiry": due_evidence,
    "capa-due": due_capa,
    "training-expiry": due_training,
    "risk-review": due_risk,
    "supplier-reassessment": due_supplier,
    "incident-reporting": due_report,
    "review-action": due_review_action,
    "vendor-change-assessment": due_vendor_change,
    "readiness-gap": due_readiness_gap,
    "finding-due": due_finding,
    "plan-task": due_plan_task,
    "external-finding-due": due_external_finding,
    "external-audit": due_external_audit,
    "certificate-expiry": due_certificate_expiry,
}


class Ctx:
    def __init__(self, owner, officer, system, today):
        self.owner, self.officer, self.system, self.today = owner, officer, system, today


@pytest.fixture
def ctx(owner, officer, system, today):
    return Ctx(owner, officer, system, today)


def test_every_source_is_discovered_and_has_a_rule():
    kinds = {source.kind for source in discover_sources()}
    assert kinds == {*BUILDERS, "incident-target"}
    ensure_rules()
    assert set(ReminderRule.objects.values_list("kind", flat=True)) >= kinds


@pytest.mark.parametrize("kind", sorted(BUILDERS))
def test_a_due_record_notifies_its_person_once(ctx, kind):
    recipient, marker = BUILDERS[kind](ctx)
    result = run_sweep(today=ctx.today)
    notes = sweep_notes(kind).filter(recipient=recipient)
    assert notes.count() == 1, list(sweep_notes().values_list("recipient__username", "title"))
    note = notes.get()
    assert marker in note.title or marker in note.link
    assert "due" in note.title or "valid until" in note.title
    assert note.dedupe_key.endswith(f":{days(ctx.today, 3).isoformat()}:due-soon")
    assert note.emailed_at is not None  # listed in today's digest
    assert result.created[kind] >= 1

    again = run_sweep(today=ctx.today)
    assert again.total_created == 0
    assert sweep_notes(kind).filter(recipient=recipient).count() == 1


def test_overdue_is_announced_once_more_then_never(ctx):
    due_system(ctx)
    run_sweep(today=ctx.today)
    assert sweep_notes("system-review").count() == 1
    late = days(ctx.today, 4)
    run_sweep(today=late)
    notes = sweep_notes("system-review").order_by("pk")
    assert notes.count() == 2
    assert "overdue since" in notes.last().title
    run_sweep(today=days(ctx.today, 5))
    run_sweep(today=days(ctx.today, 30))
    assert sweep_notes("system-review").count() == 2


def test_a_new_due_date_is_a_new_reminder(ctx):
    due_system(ctx)
    run_sweep(today=ctx.today)
    AISystem.objects.filter(pk=ctx.system.pk).update(next_review_date=days(ctx.today, 10))
    run_sweep(today=ctx.today)
    assert sweep_notes("system-review").count() == 2


def test_lead_time_decides_what_is_due(ctx, officer):
    AISystem.objects.filter(pk=ctx.system.pk).update(next_review_date=days(ctx.today, 20))
    rule = ensure_rules()["system-review"]
    reminder_services.reminder_rule_update(actor=officer, rule=rule, lead_days=14, enabled=True)
    assert run_sweep(today=ctx.today).created["system-review"] == 0
    reminder_services.reminder_rule_update(actor=officer, rule=rule, lead_days=30, enabled=True)
    assert run_sweep(today=ctx.today).created["system-review"] == 1
    history = rule.history.latest()
    assert history.history_user == officer
    assert "lead time 14 -> 30 days" in history.history_change_reason


def test_a_disabled_rule_notifies_nobody(ctx, officer):
    due_system(ctx)
    rule = ensure_rules()["system-review"]
    reminder_services.reminder_rule_update(actor=officer, rule=rule, lead_days=30, enabled=False)
    result = run_sweep(today=ctx.today)
    assert "system-review" in result.disabled
    assert not sweep_notes("system-review").exists()


def test_only_officers_change_rules(ctx, owner, auditor):
    from aims.errors import RuleForbidden

    rule = ensure_rules()["system-review"]
    for user in (owner, auditor):
        with pytest.raises(RuleForbidden):
            reminder_services.reminder_rule_update(actor=user, rule=rule, lead_days=3, enabled=True)


def test_inactive_people_are_not_reminded(ctx):
    due_system(ctx)
    ctx.owner.is_active = False
    ctx.owner.save()
    run_sweep(today=ctx.today)
    assert not sweep_notes("system-review").exists()


# --- Source specifics -----------------------------------------------------------------------


def test_incident_targets_go_to_the_owner_then_to_officers_once_missed(ctx):
    incident = report_incident(ctx.owner, ctx.system, severity="sev3")
    run_sweep(today=ctx.today)  # acknowledge target (24 h) falls today or tomorrow
    notes = sweep_notes("incident-target")
    assert list(notes.values_list("recipient", flat=True)) == [ctx.owner.pk]
    assert notes.get().title.startswith(f"Acknowledgement of {incident.reference}")
    # Two days on, nobody acknowledged it: the target is missed, officers hear of it too;
    # the containment target (72 h) comes within the window for the owner.
    run_sweep(today=days(ctx.today, 2))
    overdue = sweep_notes("incident-target").filter(dedupe_key__endswith=":overdue")
    assert set(overdue.values_list("recipient", flat=True)) == {ctx.owner.pk, ctx.officer.pk}
    soon = sweep_notes("incident-target").filter(dedupe_key__contains=":contain:")
    assert list(soon.values_list("recipient", flat=True)) == [ctx.owner.pk]
    # Acknowledged late, then nothing new until containment is missed.
    incident_services.incident_transition(actor=ctx.owner, incident=incident, action="triage")
    before = sweep_notes("incident-target").count()
    run_sweep(today=days(ctx.today, 3))
    assert sweep_notes("incident-target").count() == before
    run_sweep(today=days(ctx.today, 5))
    new = sweep_notes("incident-target").order_by("pk")[before:]
    assert {(n.recipient_id, n.title.split(" of ")[0]) for n in new} == {
        (ctx.owner.pk, "Containment"),
        (ctx.officer.pk, "Containment"),
    }


def test_closed_and_reported_incidents_need_no_reminder(ctx):
    incident = report_incident(ctx.owner, ctx.system)
    Incident.objects.filter(pk=incident.pk).update(
        reporting_deadline=days(ctx.today, 3), report_submitted_at=timezone.now()
    )
    run_sweep(today=ctx.today)
    assert not sweep_notes("incident-reporting").exists()


def test_reporting_deadline_goes_to_owner_and_officers(ctx):
    due_report(ctx)
    run_sweep(today=ctx.today)
    recipients = set(sweep_notes("incident-reporting").values_list("recipient", flat=True))
    assert recipients == {ctx.owner.pk, ctx.officer.pk}


def test_only_the_latest_training_record_counts(ctx):
    due_training(ctx)
    course = Course.objects.get()
    TrainingRecord.objects.create(
        user=ctx.owner,
        course=course,
        completed_on=ctx.today,
        expires_on=days(ctx.today, 365),
        recorded_by=ctx.officer,
    )
    run_sweep(today=ctx.today)
    assert not sweep_notes("training-expiry").exists()


def test_superseded_evidence_is_not_reminded(ctx):
    due_evidence(ctx)
    Evidence.objects.update(superseded_at=timezone.now())
    run_sweep(today=ctx.today)
    assert not sweep_notes("evidence-expiry").exists()


def test_verified_corrective_actions_are_not_reminded(ctx):
    due_capa(ctx)
    from aims.models import CorrectiveAction

    CorrectiveAction.objects.update(status=CorrectiveAction.Status.CLOSED)
    run_sweep(today=ctx.today)
    assert not sweep_notes("capa-due").exists()


def test_retired_systems_and_offboarded_suppliers_are_not_reminded(ctx):
    due_system(ctx)
    due_supplier(ctx)
    AISystem.objects.update(lifecycle_stage="retired")
    from suppliers.models import Supplier

    Supplier.objects.update(status="offboarded")
    run_sweep(today=ctx.today)
    assert not sweep_notes("system-review").exists()
    assert not sweep_notes("supplier-reassessment").exists()


# --- The digest -----------------------------------------------------------------------------


def test_one_digest_per_person_per_day_grouped_by_kind(
    ctx, django_capture_on_commit_callbacks, settings
):
    settings.AIMS_BASE_URL = "https://aims.example.org"
    due_system(ctx)
    due_risk(ctx)
    due_supplier(ctx)  # the officer's
    with django_capture_on_commit_callbacks(execute=True):
        result = run_sweep(today=ctx.today)
    assert result.digests == 2
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {ctx.owner.email, ctx.officer.email}
    owner_mail = by_person[ctx.owner.email]
    assert "2 reminders" in owner_mail.subject
    text = owner_mail.body
    assert text.index("AI system reviews") < text.index("Risk reviews")
    assert f"https://aims.example.org/systems/{ctx.system.pk}/" in text
    html = owner_mail.alternatives[0][0]
    assert "<h2" in html and "Risk reviews" in html
    assert "Acme Models" in by_person[ctx.officer.email].body
    assert DigestLog.objects.get(recipient=ctx.owner, day=ctx.today).item_count == 2

    # Same day again, with something new: in the app now, in tomorrow's digest.
    mail.outbox.clear()
    due_policy(ctx)
    with django_capture_on_commit_callbacks(execute=True):
        again = run_sweep(today=ctx.today)
    assert again.digests == 0 and mail.outbox == []
    assert sweep_notes("policy-review").get().emailed_at is None
    with django_capture_on_commit_callbacks(execute=True):
        run_sweep(today=days(ctx.today, 1))
    assert [m.to[0] for m in mail.outbox] == [ctx.officer.email]
    assert "Policy reviews" in mail.outbox[0].body


def test_people_without_email_are_reminded_in_the_app_only(ctx, django_capture_on_commit_callbacks):
    ctx.owner.email = ""
    ctx.owner.save()
    due_system(ctx)
    with django_capture_on_commit_callbacks(execute=True):
        result = run_sweep(today=ctx.today)
    assert sweep_notes("system-review").filter(recipient=ctx.owner).count() == 1
    assert result.digests == 0 and mail.outbox == []
    assert not DigestLog.objects.exists()


def test_what_was_read_in_the_app_is_not_emailed(ctx, django_capture_on_commit_callbacks):
    due_system(ctx)
    due_risk(ctx)
    with django_capture_on_commit_callbacks(execute=False):
        run_sweep(today=ctx.today)  # digests claimed; the emails are not sent yet
    DigestLog.objects.all().delete()
    Notification.objects.update(emailed_at=None)
    sweep_notes("risk-review").update(read_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        run_sweep(today=ctx.today)
    (message,) = mail.outbox
    assert "AI system reviews" in message.body and "Risk reviews" not in message.body


def test_sweep_notifications_are_not_emailed_one_by_one(ctx, django_capture_on_commit_callbacks):
    due_system(ctx)
    due_risk(ctx)
    with django_capture_on_commit_callbacks(execute=True):
        run_sweep(today=ctx.today)
    assert len(mail.outbox) == 1  # one digest, not one email per notification


# --- Cost -----------------------------------------------------------------------------------


def _queries_of_sweep(today) -> int:
    with CaptureQueriesContext(connection) as queries:
        run_sweep(today=today)
    return len(queries)


def test_the_sweep_costs_the_same_queries_for_more_records(ctx, officer):
    other = user_with_role("System owner", username="owner_more")
    for n in range(3):
        system = make_system(ctx.owner, name=f"Small {n}")
        AISystem.objects.filter(pk=system.pk).update(next_review_date=days(ctx.today, 3))
    ensure_rules()
    small = _queries_of_sweep(ctx.today)
    for n in range(12):
        system = make_system(other if n % 2 else ctx.owner, name=f"More {n}")
        AISystem.objects.filter(pk=system.pk).update(next_review_date=days(ctx.today, 4))
    large = _queries_of_sweep(days(ctx.today, 1))
    assert sweep_notes("system-review").count() == 3 + 12
    assert large <= small + 2, (small, large)  # one more digest recipient may add none


# --- The command ----------------------------------------------------------------------------


def test_command_dry_run_writes_nothing(ctx):
    due_system(ctx)
    out = StringIO()
    call_command("run_reminders", "--dry-run", f"--date={ctx.today.isoformat()}", stdout=out)
    assert "AI system reviews" in out.getvalue()
    assert "1 notification(s) would be new" in out.getvalue()
    assert not sweep_notes().exists()


def test_command_runs_the_sweep_once(ctx):
    due_system(ctx)
    out = StringIO()
    call_command("run_reminders", f"--date={ctx.today.isoformat()}", stdout=out)
    assert "1 notification(s) new" in out.getvalue()
    call_command("run_reminders", f"--date={ctx.today.isoformat()}", stdout=out)
    assert sweep_notes("system-review").count() == 1


def test_command_refuses_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("run_reminders", "--date=tomorrow")


# --- Schedules ------------------------------------------------------------------------------


def test_schedules_exist_after_migrate_and_keep_officers_edits(officer):
    from django_celery_beat.models import PeriodicTask

    sweep = PeriodicTask.objects.get(task="aims.tasks.run_reminder_sweep")
    assert (sweep.crontab.hour, sweep.crontab.minute, sweep.enabled) == ("6", "0", True)
    assert PeriodicTask.objects.filter(task="incidents.tasks.check_metric_staleness").exists()
    reminder_services.schedule_update(
        actor=officer,
        task=sweep,
        enabled=True,
        choice=ScheduleChoice("daily", at=time(7, 30)),
    )
    assert reminder_services.ensure_schedules() == []
    sweep.refresh_from_db()
    assert (sweep.crontab.hour, sweep.crontab.minute) == ("7", "30")
    PeriodicTask.objects.filter(pk=sweep.pk).delete()
    assert reminder_services.ensure_schedules() == ["Daily reminder sweep"]


def test_the_beat_task_runs_the_sweep(ctx):
    from aims.tasks import run_reminder_sweep

    due_system(ctx)
    summary = run_reminder_sweep.delay(ctx.today.isoformat()).get()
    assert summary["created"]["system-review"] == 1
    assert summary["date"] == ctx.today.isoformat()


def _due_for_people(ctx, n: int, tag: str) -> list:
    """``n`` people, each owning a due AI system, risk, policy and training record (four
    categories, one digest each)."""
    people = [user_with_role("System owner", username=f"{tag}{i}") for i in range(n)]
    course = Course.objects.create(title=f"Course {tag}", validity_months=12)
    for i, person in enumerate(people):
        system = make_system(person, name=f"System {tag}{i}")
        AISystem.objects.filter(pk=system.pk).update(next_review_date=days(ctx.today, 3))
        risk_services.risk_save(
            actor=person,
            risk=Risk(system=system),
            data={**RISK_DATA, "review_date": days(ctx.today, 2)},
        )
        Policy.objects.create(
            title=f"Policy {tag}{i}", owner=person, next_review_date=days(ctx.today, 3)
        )
        TrainingRecord.objects.create(
            user=person,
            course=course,
            completed_on=days(ctx.today, -360),
            expires_on=days(ctx.today, 5),
            recorded_by=ctx.officer,
        )
    return people


SWEEP_QUERY_LIMIT = 40  # per category a fixed few (collect, existing keys, insert) + digests


def test_query_count_does_not_grow_with_records_or_people(
    ctx, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    ensure_rules()
    _due_for_people(ctx, 2, "few")
    with (
        django_assert_max_num_queries(SWEEP_QUERY_LIMIT) as small,
        django_capture_on_commit_callbacks(execute=True),
    ):
        run_sweep(today=ctx.today)
    assert sweep_notes().count() == 2 * 4 and len(mail.outbox) == 2
    mail.outbox.clear()

    _due_for_people(ctx, 12, "many")
    with (
        django_assert_max_num_queries(SWEEP_QUERY_LIMIT) as large,
        django_capture_on_commit_callbacks(execute=True),
    ):
        run_sweep(today=days(ctx.today, 1))
    assert sweep_notes().count() == 14 * 4 and len(mail.outbox) == 12  # digests included
    assert len(large) <= len(small), (len(small), len(large))


def test_digests_sent_in_process_share_one_mail_connection(
    ctx, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.mail import get_connection

    import aims.reminders.digest

    opened = []

    def counting_get_connection(*args, **kwargs):
        opened.append(1)
        return get_connection(*args, **kwargs)

    monkeypatch.setattr(aims.reminders.digest, "get_connection", counting_get_connection)
    _due_for_people(ctx, 3, "mailer")
    with django_capture_on_commit_callbacks(execute=True):
        result = run_sweep(today=ctx.today)
    assert result.digests == 3 and len(mail.outbox) == 3
    assert len(opened) == 1


def test_titles_with_quotes_backslashes_and_accents_arrive_intact(ctx):
    title = 'Política d\'IA "v2" \\ 100% ✓'
    policy = Policy.objects.create(
        title=title, owner=ctx.officer, next_review_date=days(ctx.today, 3)
    )
    run_sweep(today=ctx.today)
    note = sweep_notes("policy-review").get()
    assert note.title.startswith(f"Review of {policy.reference} {title}: due ")
    assert (
        note.body == "Policy reviews" and note.link == f"/management-system/policies/{policy.pk}/"
    )
    assert note.created_at is not None and note.read_at is None
