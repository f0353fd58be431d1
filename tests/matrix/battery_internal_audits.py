"""History battery entries for audit programmes, internal audits, checklist items, findings,
management reviews and their actions. Every write here is the officer's, so each history
row the battery sees (the record's and those of what it stands on) names the officer."""

from datetime import timedelta

from django.db.models import Model
from django.utils import timezone

from audits.internal_audits import findings as finding_services
from audits.internal_audits import services
from audits.models import (
    AuditProgramme,
    CatalogueItem,
    ChecklistItem,
    Finding,
    InternalAudit,
    ManagementReview,
    ReviewAction,
)
from audits.reviews import services as reviews

from .battery_framework import Entry, api, by_id
from .world import World


def _today():
    return timezone.localdate()


def programme_data() -> dict:
    return {
        "title": "Battery programme",
        "period_start": (_today() - timedelta(days=30)).isoformat(),
        "period_end": (_today() + timedelta(days=30)).isoformat(),
    }


def control() -> CatalogueItem:
    item, _ = CatalogueItem.objects.get_or_create(
        code="B.1", defaults={"kind": "control", "title": "Battery control", "sort_key": "9.B1"}
    )
    return item


def audit_data(w: World) -> dict:
    return {
        "title": "Battery audit",
        "scope": "Battery scope",
        "lead_auditor": w.approver.pk,
        "planned_start": _today().isoformat(),
        "planned_end": (_today() + timedelta(days=2)).isoformat(),
        "controls": [control().pk],
    }


def audit(w: World) -> InternalAudit:
    data = {
        **audit_data(w),
        "lead_auditor": w.approver,
        "controls": [control()],
        "planned_start": _today(),
        "planned_end": _today() + timedelta(days=2),
    }
    return services.audit_save(actor=w.officer, audit=InternalAudit(), data=data)


def running(w: World) -> InternalAudit:
    audit_ = audit(w)
    services.checklist_generate(actor=w.officer, audit=audit_)
    return services.audit_transition(actor=w.officer, audit=audit_, action="start")


def checklist_item(w: World) -> ChecklistItem:
    return running(w).checklist.get()


def review(w: World) -> ManagementReview:
    return reviews.review_create(
        actor=w.officer, title="Battery review", meeting_date=_today(), chair=w.officer
    )


def held(w: World) -> ManagementReview:
    return reviews.review_record(actor=w.officer, review=review(w), decisions="Battery")


def action_data(w: World) -> dict:
    return {
        "description": "Battery action",
        "owner": w.owner.pk,
        "due_date": (_today() + timedelta(days=10)).isoformat(),
    }


BATTERY: dict[type[Model], Entry] = {
    AuditProgramme: Entry(
        actor="officer",
        stage="approved_for_development",
        create=lambda w: services.programme_save(
            actor=w.officer,
            programme=AuditProgramme(),
            data={
                "title": "Battery programme",
                "period_start": _today(),
                "period_end": _today() + timedelta(days=30),
            },
        ),
        api_create=lambda w: ("post", api("auditprogramme-list"), programme_data(), "json"),
        api_bad=lambda w: (
            "post",
            api("auditprogramme-list"),
            {**programme_data(), "period_end": "yesterday"},
            "json",
        ),
        api_result=by_id(AuditProgramme),
    ),
    InternalAudit: Entry(
        actor="officer",
        stage="approved_for_development",
        create=audit,
        api_create=lambda w: ("post", api("internalaudit-list"), audit_data(w), "json"),
        api_bad=lambda w: (
            "post",
            api("internalaudit-list"),
            {**audit_data(w), "lead_auditor": None},
            "json",
        ),
        api_result=by_id(InternalAudit),
    ),
    ChecklistItem: Entry(
        actor="officer",
        stage="approved_for_development",
        create=checklist_item,
        # Items are generated, not posted: the API's write is recording a result.
        api_create=lambda w: (
            "patch",
            api("checklistitem-detail", checklist_item(w).pk),
            {"result": "conforming", "notes": "Seen"},
            "json",
        ),
        api_bad=lambda w: (
            "patch",
            api("checklistitem-detail", 999999),
            {"result": "maybe"},
            "json",
        ),
        api_result=by_id(ChecklistItem),
    ),
    Finding: Entry(
        actor="officer",
        stage="approved_for_development",
        create=lambda w: finding_services.finding_raise(
            actor=w.officer,
            audit=running(w),
            kind=Finding.Kind.MINOR,
            title="Battery finding",
            description="Seen",
        ),
        api_create=lambda w: (
            "post",
            api("finding-list"),
            {"audit": running(w).pk, "kind": "minor", "title": "Battery", "description": "x"},
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("finding-list"),
            {"audit": 999999, "kind": "catastrophic", "title": "Battery"},
            "json",
        ),
        api_result=by_id(Finding),
    ),
    ManagementReview: Entry(
        actor="officer",
        stage="approved_for_development",
        create=review,
        api_create=lambda w: (
            "post",
            api("managementreview-list"),
            {
                "title": "Battery review",
                "meeting_date": _today().isoformat(),
                "chair": w.officer.pk,
            },
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("managementreview-list"),
            {"title": "Battery review", "meeting_date": "soon"},
            "json",
        ),
        api_result=by_id(ManagementReview),
    ),
    ReviewAction: Entry(
        actor="officer",
        stage="approved_for_development",
        create=lambda w: reviews.review_action_add(
            actor=w.officer,
            review=held(w),
            description="Battery action",
            owner=w.owner,
            due_date=_today() + timedelta(days=10),
        ),
        api_create=lambda w: (
            "post",
            api("reviewaction-list"),
            {"review": held(w).pk, **action_data(w)},
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("reviewaction-list"),
            {"review": 999999, **action_data(w), "due_date": "never"},
            "json",
        ),
        api_result=by_id(ReviewAction),
    ),
}
