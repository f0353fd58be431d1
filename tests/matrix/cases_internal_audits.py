"""Role-matrix rows for audit programmes, internal audits, checklists, findings and
management reviews (pages and API).

These records belong to the AIMS as a whole: officers, approvers and auditors read them all;
only officers write. A user without the read permission is refused a list page (403) and does
not find a record (404); in the API their lists are empty. Records are made through the real
services and cached on the world (world.py is shared and not extended here)."""

from datetime import timedelta

from django.utils import timezone

from aims.models import CorrectiveAction
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

from .framework import Case, expect
from .world import World

# fmt: off
#                                anonymous nobody owner other_owner officer approver auditor
READ_PAGE               = expect("login    403    403   403         ok      ok       ok")
WRITE_PAGE              = expect("login    403    403   403         ok      403      403")
RECORD                  = expect("login    404    404   404         ok      ok       ok")
RECORD_WRITE            = expect("login    404    404   404         ok      403      403")
API_LIST                = expect("401      ok     ok    ok          ok      ok       ok")
API_RECORD              = expect("401      404    404   404         ok      ok       ok")
# The coarse gate refuses every write of a role without a write permission here (403).
API_WRITE               = expect("401      403    403   403         ok      403      403")
# fmt: on

PROGRAMME_TITLE = "Matrix audit programme"
AUDIT_TITLE = "Matrix internal audit"
FINDING_TITLE = "Matrix finding"
REVIEW_TITLE = "Matrix management review"


def _today():
    return timezone.localdate()


def control(w: World) -> CatalogueItem:
    def make():
        item, _ = CatalogueItem.objects.get_or_create(
            code="M.1", defaults={"kind": "control", "title": "Matrix control", "sort_key": "9.M1"}
        )
        return item

    return w.once("_ia_control", make)


def programme(w: World) -> AuditProgramme:
    return w.once(
        "_ia_programme",
        lambda: services.programme_save(
            actor=w.officer,
            programme=AuditProgramme(),
            data={
                "title": PROGRAMME_TITLE,
                "period_start": _today() - timedelta(days=100),
                "period_end": _today() + timedelta(days=100),
            },
        ),
    )


def audit(w: World) -> InternalAudit:
    return w.once(
        "_ia_audit",
        lambda: services.audit_save(
            actor=w.officer,
            audit=InternalAudit(),
            data={
                "programme": programme(w),
                "title": AUDIT_TITLE,
                "scope": "Matrix scope",
                "lead_auditor": w.approver,
                "planned_start": _today(),
                "planned_end": _today() + timedelta(days=3),
                "controls": [control(w)],
            },
        ),
    )


def running(w: World) -> InternalAudit:
    def make():
        services.checklist_generate(actor=w.officer, audit=audit(w))
        return services.audit_transition(actor=w.officer, audit=audit(w), action="start")

    return w.once("_ia_running", make)


def checked(w: World) -> None:
    services.checklist_generate(actor=w.officer, audit=audit(w))


def item(w: World) -> ChecklistItem:
    running(w)
    return ChecklistItem.objects.get(audit=audit(w))


def finding(w: World, kind: str = Finding.Kind.MINOR) -> Finding:
    return w.once(
        f"_ia_finding_{kind}",
        lambda: finding_services.finding_raise(
            actor=w.officer,
            audit=running(w),
            kind=kind,
            title=FINDING_TITLE,
            description="Matrix description",
        ),
    )


def ofi(w: World) -> Finding:
    return finding(w, Finding.Kind.OFI)


def review(w: World) -> ManagementReview:
    return w.once(
        "_ia_review",
        lambda: reviews.review_create(
            actor=w.officer, title=REVIEW_TITLE, meeting_date=_today(), chair=w.officer
        ),
    )


def held(w: World) -> ManagementReview:
    return w.once(
        "_ia_held",
        lambda: reviews.review_record(actor=w.officer, review=review(w), decisions="Matrix"),
    )


def action(w: World) -> ReviewAction:
    return w.once(
        "_ia_action",
        lambda: reviews.review_action_add(
            actor=w.officer,
            review=held(w),
            description="Matrix action",
            owner=w.owner,
            due_date=_today() + timedelta(days=10),
        ),
    )


# kwargs
def audit_pk(w):
    return {"pk": audit(w).pk}


def running_pk(w):
    return {"pk": running(w).pk}


def programme_pk(w):
    return {"pk": programme(w).pk}


def finding_pk(w):
    return {"pk": finding(w).pk}


def ofi_pk(w):
    return {"pk": ofi(w).pk}


def item_pk(w):
    return {"pk": item(w).pk}


def review_pk(w):
    return {"pk": review(w).pk}


def held_pk(w):
    return {"pk": held(w).pk}


def action_pk(w):
    return {"pk": action(w).pk}


# effects
def value_of(getter, field: str):
    def run(w):
        record = getter(w)
        return type(record).objects.values_list(field, flat=True).get(pk=record.pk)

    return run


def count(model):
    return lambda w: model.objects.count()


def checklist_count(w):
    return ChecklistItem.objects.filter(audit=audit(w)).count()


def capa_count(w):
    return CorrectiveAction.objects.count()


# markers
def show(getter, text: str):
    def run(w):
        getter(w)
        return text

    return run


# payloads
def audit_form(w, **overrides):
    return {
        "programme": programme(w).pk,
        "title": AUDIT_TITLE,
        "scope": "Matrix scope",
        "criteria": "ISO/IEC 42001",
        "planned_start": _today().isoformat(),
        "planned_end": (_today() + timedelta(days=3)).isoformat(),
        "lead_auditor": w.approver.pk,
        "controls": [control(w).pk],
        **overrides,
    }


def programme_form(w, **overrides):
    return {
        "title": PROGRAMME_TITLE,
        "period_start": (_today() - timedelta(days=100)).isoformat(),
        "period_end": (_today() + timedelta(days=100)).isoformat(),
        "owner": w.officer.pk,
        **overrides,
    }


def capa_form(w):
    return {
        "title": "Matrix CAPA",
        "nonconformity": "Matrix",
        "action_plan": "Fix",
        "owner": w.owner.pk,
        "due_date": (_today() + timedelta(days=30)).isoformat(),
    }


def review_form(w, **overrides):
    return {
        "title": REVIEW_TITLE,
        "meeting_date": _today().isoformat(),
        "chair": w.officer.pk,
        **overrides,
    }


def action_form(w):
    return {
        "description": "Matrix action",
        "owner": w.owner.pk,
        "due_date": (_today() + timedelta(days=10)).isoformat(),
    }


P = "internal_audits:"

CASES = [
    # --- Programmes ----------------------------------------------------------------------------
    Case(P + "programme_list", "GET", READ_PAGE, marker=show(programme, PROGRAMME_TITLE)),
    Case(P + "programme_create", "GET", WRITE_PAGE),
    Case(P + "programme_create", "POST", WRITE_PAGE, data=programme_form,
         effect=count(AuditProgramme)),
    Case(P + "programme_detail", "GET", RECORD, kwargs=programme_pk),
    Case(P + "programme_edit", "GET", RECORD_WRITE, kwargs=programme_pk),
    Case(P + "programme_edit", "POST", RECORD_WRITE, kwargs=programme_pk,
         data=lambda w: programme_form(w, title="Renamed programme"),
         effect=value_of(programme, "title")),
    # --- Audits --------------------------------------------------------------------------------
    Case(P + "audit_list", "GET", READ_PAGE, marker=show(audit, AUDIT_TITLE)),
    Case(P + "audit_create", "GET", WRITE_PAGE),
    Case(P + "audit_create", "POST", WRITE_PAGE, data=audit_form, effect=count(InternalAudit)),
    Case(P + "audit_detail", "GET", RECORD, kwargs=audit_pk),
    Case(P + "audit_edit", "GET", RECORD_WRITE, kwargs=audit_pk),
    Case(P + "audit_edit", "POST", RECORD_WRITE, kwargs=audit_pk,
         data=lambda w: audit_form(w, title="Renamed audit"), effect=value_of(audit, "title")),
    Case(P + "audit_checklist_generate", "POST", RECORD_WRITE, kwargs=audit_pk,
         effect=checklist_count),
    Case(P + "audit_transition", "POST", RECORD_WRITE, setup=checked,
         kwargs=lambda w: {"pk": audit(w).pk, "action": "start"},
         effect=value_of(audit, "status")),
    Case(P + "checklist_record", "POST", RECORD_WRITE, kwargs=item_pk,
         data=lambda w: {"result": "conforming", "notes": "Seen"},
         effect=value_of(item, "result")),
    # --- Findings ------------------------------------------------------------------------------
    Case(P + "finding_list", "GET", READ_PAGE, marker=show(finding, FINDING_TITLE)),
    Case(P + "finding_create", "GET", RECORD_WRITE, kwargs=running_pk),
    Case(P + "finding_create", "POST", RECORD_WRITE, kwargs=running_pk,
         data=lambda w: {"kind": "observation", "title": "New", "description": "Seen"},
         effect=count(Finding)),
    Case(P + "finding_detail", "GET", RECORD, kwargs=finding_pk),
    Case(P + "finding_edit", "GET", RECORD_WRITE, kwargs=finding_pk),
    Case(P + "finding_edit", "POST", RECORD_WRITE, kwargs=finding_pk,
         data=lambda w: {"kind": "minor", "title": "Renamed finding", "description": "d"},
         effect=value_of(finding, "title")),
    Case(P + "finding_capa", "GET", RECORD_WRITE, kwargs=finding_pk),
    Case(P + "finding_capa", "POST", RECORD_WRITE, kwargs=finding_pk, data=capa_form,
         effect=capa_count),
    Case(P + "finding_close", "POST", RECORD_WRITE, kwargs=ofi_pk,
         effect=value_of(ofi, "status")),
    # --- Management reviews --------------------------------------------------------------------
    Case(P + "review_list", "GET", READ_PAGE, marker=show(review, REVIEW_TITLE)),
    Case(P + "review_create", "GET", WRITE_PAGE),
    Case(P + "review_create", "POST", WRITE_PAGE, data=review_form,
         effect=count(ManagementReview)),
    Case(P + "review_detail", "GET", RECORD, kwargs=review_pk),
    Case(P + "review_edit", "GET", RECORD_WRITE, kwargs=review_pk),
    Case(P + "review_edit", "POST", RECORD_WRITE, kwargs=review_pk,
         data=lambda w: review_form(w, title="Renamed review"),
         effect=value_of(review, "title")),
    Case(P + "review_refresh", "POST", RECORD_WRITE, kwargs=review_pk,
         effect=value_of(review, "inputs_gathered_at")),
    Case(P + "review_record", "GET", RECORD_WRITE, kwargs=review_pk),
    Case(P + "review_record", "POST", RECORD_WRITE, kwargs=review_pk,
         data=lambda w: {"decisions": "Matrix decision"}, effect=value_of(review, "status")),
    Case(P + "review_close", "POST", RECORD_WRITE, kwargs=held_pk,
         effect=value_of(review, "status")),
    Case(P + "review_action_add", "GET", RECORD_WRITE, kwargs=held_pk),
    Case(P + "review_action_add", "POST", RECORD_WRITE, kwargs=held_pk, data=action_form,
         effect=count(ReviewAction)),
    Case(P + "review_action_status", "POST", RECORD_WRITE, kwargs=action_pk,
         data=lambda w: {"status": "done"}, effect=value_of(action, "status")),
    # --- API -----------------------------------------------------------------------------------
    Case("api:auditprogramme-list", "GET", API_LIST),
    Case("api:auditprogramme-list", "POST", API_WRITE, data=programme_form,
         effect=count(AuditProgramme)),
    Case("api:auditprogramme-detail", "GET", API_RECORD, kwargs=programme_pk),
    Case("api:auditprogramme-detail", "PATCH", API_WRITE, kwargs=programme_pk,
         data=lambda w: {"title": "Renamed"}, effect=value_of(programme, "title")),
    Case("api:internalaudit-list", "GET", API_LIST),
    Case("api:internalaudit-list", "POST", API_WRITE, data=audit_form,
         effect=count(InternalAudit)),
    Case("api:internalaudit-detail", "GET", API_RECORD, kwargs=audit_pk),
    Case("api:internalaudit-detail", "PATCH", API_WRITE, kwargs=audit_pk,
         data=lambda w: {"title": "Renamed"}, effect=value_of(audit, "title")),
    Case("api:internalaudit-generate-checklist", "POST", API_WRITE, kwargs=audit_pk,
         effect=checklist_count),
    Case("api:internalaudit-transition", "POST", API_WRITE, kwargs=audit_pk, setup=checked,
         data=lambda w: {"action": "start"}, effect=value_of(audit, "status")),
    Case("api:internalaudit-checklist", "GET", API_RECORD, kwargs=running_pk),
    Case("api:checklistitem-list", "GET", API_LIST),
    Case("api:checklistitem-detail", "GET", API_RECORD, kwargs=item_pk),
    Case("api:checklistitem-detail", "PATCH", API_WRITE, kwargs=item_pk,
         data=lambda w: {"result": "conforming"}, effect=value_of(item, "result")),
    Case("api:finding-list", "GET", API_LIST),
    Case("api:finding-list", "POST", API_WRITE, effect=count(Finding),
         data=lambda w: {"audit": running(w).pk, "kind": "ofi", "title": "New",
                         "description": "Idea"}),
    Case("api:finding-detail", "GET", API_RECORD, kwargs=finding_pk),
    Case("api:finding-detail", "PATCH", API_WRITE, kwargs=finding_pk,
         data=lambda w: {"title": "Renamed"}, effect=value_of(finding, "title")),
    Case("api:finding-open-capa", "POST", API_WRITE, kwargs=finding_pk, data=capa_form,
         effect=capa_count),
    Case("api:finding-corrective-actions", "GET", API_RECORD, kwargs=finding_pk),
    Case("api:finding-close", "POST", API_WRITE, kwargs=ofi_pk, effect=value_of(ofi, "status")),
    Case("api:managementreview-list", "GET", API_LIST),
    Case("api:managementreview-list", "POST", API_WRITE, data=review_form,
         effect=count(ManagementReview)),
    Case("api:managementreview-detail", "GET", API_RECORD, kwargs=review_pk),
    Case("api:managementreview-detail", "PATCH", API_WRITE, kwargs=review_pk,
         data=lambda w: {"title": "Renamed"}, effect=value_of(review, "title")),
    Case("api:managementreview-refresh-inputs", "POST", API_WRITE, kwargs=review_pk,
         data=lambda w: {}, effect=value_of(review, "inputs_gathered_at")),
    Case("api:managementreview-record", "POST", API_WRITE, kwargs=review_pk,
         data=lambda w: {"decisions": "Matrix"}, effect=value_of(review, "status")),
    Case("api:managementreview-close", "POST", API_WRITE, kwargs=held_pk,
         effect=value_of(review, "status")),
    Case("api:reviewaction-list", "GET", API_LIST),
    Case("api:reviewaction-list", "POST", API_WRITE, effect=count(ReviewAction),
         data=lambda w: {"review": held(w).pk, **action_form(w)}),
    Case("api:reviewaction-detail", "GET", API_RECORD, kwargs=action_pk),
    Case("api:reviewaction-detail", "PATCH", API_WRITE, kwargs=action_pk,
         data=lambda w: {"status": "dropped"}, effect=value_of(action, "status")),
]  # fmt: skip
