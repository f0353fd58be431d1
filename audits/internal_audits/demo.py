"""Demo internal audits and management review, played through the services as the demo
users: this year's audit programme, one closed audit (checklist assessed, a minor
nonconformity with its corrective action), one planned audit, and one held management review
with actions. Idempotent: each record is keyed by its title and left alone if it exists.
Skipped when the catalogue is not loaded (the checklist is generated from it)."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from inventory.models import AISystem

from ..models import (
    AuditProgramme,
    CatalogueItem,
    ChecklistItem,
    Finding,
    InternalAudit,
    ManagementReview,
)
from ..reviews import services as reviews
from . import findings as finding_services
from . import services

User = get_user_model()
CLOSED_TITLE = "AI policy and its review (Annex A.2)"
PLANNED_TITLE = "AI system life cycle and data (Annex A.6, A.7)"
REVIEW_TITLE_PREFIX = "AI management review"
# Lead auditor candidates, most independent first: the first without a conflict leads.
LEADS = ("approver2", "approver", "owner2")


def _users() -> dict:
    names = ("officer", "approver", "approver2", "owner", "owner2")
    return {u.username: u for u in User.objects.filter(username__in=names, is_active=True)}


def _clamp(day: date, start: date, end: date) -> date:
    return min(max(day, start), end)


def _items(codes: tuple[str, ...]) -> list[CatalogueItem]:
    found = list(CatalogueItem.objects.filter(code__in=codes))
    if found:
        return found
    return list(CatalogueItem.objects.filter(is_heading=False, kind="control")[:3])


def _plan(officer, users: dict, data: dict) -> InternalAudit | None:
    """Plan with the first independent lead auditor of LEADS."""
    for name in LEADS:
        lead = users.get(name)
        if lead is None:
            continue
        try:
            with transaction.atomic():
                return services.audit_save(
                    actor=officer, audit=InternalAudit(), data={**data, "lead_auditor": lead}
                )
        except ValidationError:
            continue
    return None


def _programme(officer, today: date) -> AuditProgramme:
    title = f"Internal audit programme {today.year}"
    existing = AuditProgramme.objects.filter(title=title).first()
    if existing:
        return existing
    return services.programme_save(
        actor=officer,
        programme=AuditProgramme(),
        data={
            "title": title,
            "period_start": date(today.year, 1, 1),
            "period_end": date(today.year, 12, 31),
            "objectives": "Cover every clause of the standard and every applicable Annex A "
            "control once a year; audit each high-risk AI system before its yearly review.",
            "method": "Two to four audits a year by trained staff independent of the area; "
            "document review, interviews and sampling of records; results reported to the AI "
            "committee and to the management review.",
            "owner": officer,
        },
    )


@transaction.atomic
def _closed_audit(officer, users: dict, programme: AuditProgramme, today: date) -> str:
    if InternalAudit.objects.filter(title=CLOSED_TITLE).exists():
        return "exists"
    start = _clamp(today - timedelta(days=45), programme.period_start, programme.period_end)
    end = _clamp(today - timedelta(days=40), start, programme.period_end)
    audit = _plan(
        officer,
        users,
        {
            "programme": programme,
            "title": CLOSED_TITLE,
            "scope": "The AI policy, its alignment with other policies and its periodic "
            "review, at head office.",
            "planned_start": start,
            "planned_end": end,
            "controls": _items(("A.2",)),
        },
    )
    if audit is None:
        return "skipped (no independent lead auditor)"
    services.checklist_generate(actor=officer, audit=audit)
    services.audit_transition(actor=officer, audit=audit, action="start")
    checklist = list(audit.checklist.select_related("item"))
    failing = checklist[-1]
    for item in checklist:
        if item == failing:
            services.checklist_record(
                actor=officer,
                checklist_item=item,
                result=ChecklistItem.Result.NONCONFORMING,
                notes="No record shows the policy was reviewed at the interval it sets.",
            )
        else:
            services.checklist_record(
                actor=officer,
                checklist_item=item,
                result=ChecklistItem.Result.CONFORMING,
                notes="Published version and approval record sampled.",
            )
    finding = finding_services.finding_raise(
        actor=officer,
        audit=audit,
        kind=Finding.Kind.MINOR,
        title="AI policy review not evidenced",
        description="The policy says it is reviewed every year; the last recorded review is "
        "older than that and no review is scheduled.",
        checklist_item=failing,
    )
    finding_services.finding_open_capa(
        actor=officer,
        finding=finding,
        owner=officer,
        due_date=today + timedelta(days=45),
        action_plan="Schedule the yearly policy review with the AI committee and keep the "
        "minutes as evidence.",
        root_cause="The review date was not tracked anywhere.",
    )
    services.audit_transition(actor=officer, audit=audit, action="report")
    services.audit_transition(
        actor=officer,
        audit=audit,
        action="close",
        note="The AI policy is approved, published and aligned with the other policies; its "
        "periodic review is not evidenced (one minor nonconformity).",
    )
    return audit.reference


@transaction.atomic
def _planned_audit(officer, users: dict, programme: AuditProgramme, today: date) -> str:
    if InternalAudit.objects.filter(title=PLANNED_TITLE).exists():
        return "exists"
    start = _clamp(today + timedelta(days=30), programme.period_start, programme.period_end)
    end = _clamp(today + timedelta(days=34), start, programme.period_end)
    systems = list(AISystem.objects.filter(in_aims_scope=True).order_by("id")[:1])
    audit = _plan(
        officer,
        users,
        {
            "programme": programme,
            "title": PLANNED_TITLE,
            "scope": "How AI systems are specified, validated, released and monitored, and "
            "how their data is sourced and checked.",
            "planned_start": start,
            "planned_end": end,
            "controls": _items(("A.6", "A.7")),
            "systems": systems,
        },
    )
    if audit is None:
        return "skipped (no independent lead auditor)"
    services.checklist_generate(actor=officer, audit=audit)
    return audit.reference


@transaction.atomic
def _review(officer, users: dict, today: date) -> str:
    title = f"{REVIEW_TITLE_PREFIX} {today.year}"
    if ManagementReview.objects.filter(title=title).exists():
        return "exists"
    chair = users.get("approver", officer)
    review = reviews.review_create(
        actor=officer,
        title=title,
        meeting_date=today - timedelta(days=3),
        chair=chair,
        attendees=[u for u in (officer, users.get("approver2"), users.get("owner")) if u],
    )
    reviews.review_record(
        actor=officer,
        review=review,
        input_notes="Incidents and monitoring breaches concentrate on the customer chatbot; "
        "the internal audit found the policy review is not evidenced.",
        decisions="Fund an evaluation tool for the chatbot; schedule the AI policy review; "
        "keep the risk appetite at 'medium'.",
        minutes="The committee went through each input; no change to the scope.",
    )
    owner = users.get("owner", officer)
    for description, who, days in (
        ("Select and fund an evaluation tool for the customer chatbot.", owner, 60),
        ("Schedule the yearly AI policy review and record it.", officer, 30),
    ):
        reviews.review_action_add(
            actor=officer,
            review=review,
            description=description,
            owner=who,
            due_date=today + timedelta(days=days),
        )
    return review.reference


def load(*, stdout) -> None:
    users = _users()
    officer = users.get("officer")
    if officer is None:
        stdout.write("Internal audits demo: skipped (demo users missing)")
        return
    today = timezone.localdate()
    if CatalogueItem.objects.filter(is_heading=False).exists():
        programme = _programme(officer, today)
        closed = _closed_audit(officer, users, programme, today)
        planned = _planned_audit(officer, users, programme, today)
        stdout.write(f"Internal audits demo: closed audit {closed}, planned audit {planned}")
    else:
        stdout.write("Internal audits demo: audits skipped (catalogue not loaded)")
    stdout.write(f"Management review demo: {_review(officer, users, today)}")
