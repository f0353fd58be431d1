"""Internal audits (9.2): auditor independence, the checklist from the controls in scope,
the audit workflow and its refusals, the pages and the API, and who may do what."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aims.errors import TransitionNotAllowed
from audits.internal_audits import findings as finding_services
from audits.internal_audits import services
from audits.models import (
    AuditProgramme,
    CatalogueItem,
    ChecklistItem,
    ControlStatement,
    Finding,
    InternalAudit,
)

from ..factories import make_system

pytestmark = pytest.mark.django_db
Result = ChecklistItem.Result
TODAY = date.today()


# --- Shared helpers (imported by test_findings and test_management_review) ------------------


def catalogue_item(code: str, title: str, *, heading: bool = False, parent=None, kind="control"):
    item, _ = CatalogueItem.objects.get_or_create(
        code=code,
        defaults={
            "kind": kind,
            "title": title,
            "is_heading": heading,
            "parent": parent,
            "sort_key": "9." + code,
        },
    )
    return item


def statement(item, owner=None):
    row, _ = ControlStatement.objects.get_or_create(item=item)
    if owner is not None:
        ControlStatement.objects.filter(pk=row.pk).update(owner=owner)
        row.refresh_from_db()
    return row


@pytest.fixture
def controls(db):
    """A heading with two controls under it, and one clause requirement."""
    heading = catalogue_item("X.1", "Test policies", heading=True)
    return {
        "heading": heading,
        "policy": catalogue_item("X.1.1", "Test AI policy", parent=heading),
        "alignment": catalogue_item("X.1.2", "Test alignment", parent=heading),
        "context": catalogue_item("X.9", "Test context", kind="clause"),
    }


@pytest.fixture
def programme(officer):
    return services.programme_save(
        actor=officer,
        programme=AuditProgramme(),
        data={
            "title": "Audit programme",
            "period_start": TODAY - timedelta(days=200),
            "period_end": TODAY + timedelta(days=200),
        },
    )


def plan(actor, *, lead, controls=(), systems=(), team=(), programme=None, **extra):
    data = {
        "title": "Policy audit",
        "scope": "AI policy and its communication",
        "lead_auditor": lead,
        "planned_start": TODAY - timedelta(days=5),
        "planned_end": TODAY + timedelta(days=5),
        "controls": list(controls),
        "systems": list(systems),
        "team": list(team),
        "programme": programme,
        **extra,
    }
    return services.audit_save(actor=actor, audit=InternalAudit(), data=data)


@pytest.fixture
def audit(officer, approver, controls, programme):
    """A planned audit of the X.1 heading (two controls), led by an approver."""
    return plan(officer, lead=approver, controls=[controls["heading"]], programme=programme)


def started(officer, audit):
    services.checklist_generate(actor=officer, audit=audit)
    return services.audit_transition(actor=officer, audit=audit, action="start")


def assess_all(officer, audit, result=Result.CONFORMING):
    for item in audit.checklist.all():
        services.checklist_record(
            actor=officer, checklist_item=item, result=result, notes="Seen the records"
        )


# --- Independence ---------------------------------------------------------------------------


def test_a_lead_auditor_who_owns_a_control_in_scope_is_refused_by_name(officer, approver, controls):
    statement(controls["policy"], owner=approver)
    with pytest.raises(ValidationError) as exc:
        plan(officer, lead=approver, controls=[controls["heading"]])
    message = exc.value.message_dict["lead_auditor"][0]
    assert "X.1.1 Test AI policy" in message and "own" in message
    assert not InternalAudit.objects.exists()


def test_a_team_member_who_owns_a_system_in_scope_is_refused(officer, approver, owner, system):
    with pytest.raises(ValidationError) as exc:
        plan(officer, lead=approver, systems=[system], team=[owner])
    assert set(exc.value.message_dict) == {"team"}
    assert system.reference in exc.value.message_dict["team"][0]


def test_owning_a_system_linked_to_a_control_in_scope_is_a_conflict(
    officer, owner, approver, system, controls
):
    row = statement(controls["alignment"], owner=approver)
    row.systems.add(system)
    with pytest.raises(ValidationError) as exc:
        plan(officer, lead=owner, controls=[controls["alignment"]])
    assert "under X.1.2" in exc.value.message_dict["lead_auditor"][0]


def test_editing_the_scope_rechecks_independence(officer, owner, system, audit):
    services.audit_save(actor=officer, audit=audit, data={"team": [owner]})
    with pytest.raises(ValidationError) as exc:
        services.audit_save(actor=officer, audit=audit, data={"systems": [system]})
    assert "team" in exc.value.message_dict
    assert list(audit.systems.all()) == []


def test_independent_auditors_are_accepted(officer, approver, auditor, controls, system):
    statement(controls["policy"], owner=officer)
    audit = plan(officer, lead=approver, team=[auditor], controls=[controls["policy"]],
                 systems=[system])  # fmt: skip
    assert audit.reference == f"AUD-{audit.pk:04d}"
    assert audit.history.first().history_user == officer


def test_api_independence_refusal_is_a_field_error(api_as, officer, approver, controls):
    statement(controls["policy"], owner=approver)
    response = api_as(officer).post(
        reverse("api:internalaudit-list"),
        {
            "title": "Policy audit",
            "scope": "Policy",
            "lead_auditor": approver.pk,
            "controls": [controls["policy"].pk],
            "planned_start": str(TODAY),
            "planned_end": str(TODAY + timedelta(days=3)),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "X.1.1" in response.json()["extra"]["fields"]["lead_auditor"][0]


def test_an_auditor_cannot_be_recorded_assessing_an_item_they_own(
    officer, approver, auditor, audit, controls
):
    started(officer, audit)
    item = audit.checklist.get(item=controls["policy"])
    with pytest.raises(ValidationError) as exc:  # only the audit team assesses
        services.checklist_record(
            actor=officer, checklist_item=item, result=Result.CONFORMING, assessed_by=auditor
        )
    assert "not on the audit team" in exc.value.message_dict["assessed_by"][0]
    services.audit_save(actor=officer, audit=audit, data={"team": [auditor]})
    statement(controls["policy"], owner=approver)  # ownership changed after planning
    with pytest.raises(ValidationError) as exc:  # by default the lead auditor assessed it
        services.checklist_record(actor=officer, checklist_item=item, result=Result.CONFORMING)
    assert "owns control X.1.1" in exc.value.message_dict["assessed_by"][0]
    item = services.checklist_record(
        actor=officer, checklist_item=item, result=Result.CONFORMING, assessed_by=auditor
    )
    assert item.assessed_by == auditor
    assert item.history.first().history_user == officer  # who entered it


def test_dates_outside_the_programme_are_refused(officer, approver, programme):
    with pytest.raises(ValidationError) as exc:
        plan(officer, lead=approver, programme=programme,
             planned_start=programme.period_end + timedelta(days=1),
             planned_end=programme.period_end + timedelta(days=2))  # fmt: skip
    assert "planned_start" in exc.value.message_dict


# --- Checklist ------------------------------------------------------------------------------


def test_checklist_covers_each_requirement_under_a_heading_once(officer, audit, controls):
    change = services.checklist_generate(actor=officer, audit=audit)
    codes = sorted(audit.checklist.values_list("item__code", flat=True))
    assert codes == ["X.1.1", "X.1.2"] and change.added == 2
    question = audit.checklist.get(item=controls["policy"]).question
    assert "X.1.1 Test AI policy" in question and "records" in question


def test_regenerating_keeps_results_and_adds_only_what_is_missing(
    officer, approver, audit, controls
):
    started(officer, audit)
    item = audit.checklist.get(item=controls["policy"])
    services.checklist_record(
        actor=officer, checklist_item=item, result=Result.NONCONFORMING, notes="No policy"
    )
    services.audit_save(
        actor=officer, audit=audit, data={"controls": [controls["heading"], controls["context"]]}
    )
    change = services.checklist_generate(actor=officer, audit=audit)
    assert (change.added, change.removed, change.kept) == (1, 0, 2)
    again = services.checklist_generate(actor=officer, audit=audit)
    assert (again.added, again.removed) == (0, 0)
    item.refresh_from_db()
    assert item.result == Result.NONCONFORMING and item.assessed_by == approver
    assert audit.checklist.count() == 3


def test_regenerating_drops_unassessed_items_that_left_the_scope(officer, audit, controls):
    services.checklist_generate(actor=officer, audit=audit)
    services.audit_save(actor=officer, audit=audit, data={"controls": [controls["policy"]]})
    change = services.checklist_generate(actor=officer, audit=audit)
    assert change.removed == 1
    assert list(audit.checklist.values_list("item__code", flat=True)) == ["X.1.1"]


def test_a_checklist_needs_controls_in_scope(officer, approver):
    audit = plan(officer, lead=approver)
    with pytest.raises(TransitionNotAllowed) as exc:
        services.checklist_generate(actor=officer, audit=audit)
    assert exc.value.code == "no_controls_in_scope"


def test_results_are_recorded_only_during_fieldwork_with_notes_when_not_conforming(
    officer, approver, audit
):
    services.checklist_generate(actor=officer, audit=audit)
    item = audit.checklist.first()
    with pytest.raises(TransitionNotAllowed):
        services.checklist_record(actor=officer, checklist_item=item, result=Result.CONFORMING)
    services.audit_transition(actor=officer, audit=audit, action="start")
    with pytest.raises(ValidationError) as exc:
        services.checklist_record(actor=officer, checklist_item=item, result=Result.NONCONFORMING)
    assert "notes" in exc.value.message_dict
    item = services.checklist_record(actor=officer, checklist_item=item, result=Result.CONFORMING)
    assert item.assessed_by == approver and item.assessed_at is not None


# --- Workflow -------------------------------------------------------------------------------


def test_start_needs_a_checklist(officer, audit):
    with pytest.raises(TransitionNotAllowed) as exc:
        services.audit_transition(actor=officer, audit=audit, action="start")
    assert "checklist" in exc.value.message


def test_closing_is_refused_with_every_reason(officer, audit):
    started(officer, audit)
    finding = finding_services.finding_raise(
        actor=officer, audit=audit, kind=Finding.Kind.MINOR, title="No review", description="x"
    )
    services.audit_transition(actor=officer, audit=audit, action="report")
    with pytest.raises(TransitionNotAllowed) as exc:
        services.audit_transition(actor=officer, audit=audit, action="close")
    missing = exc.value.extra["missing"]
    assert exc.value.status_code == 409
    assert any("2 checklist items are not assessed" in m for m in missing)
    assert any(finding.reference in m for m in missing)
    assert any("conclusion" in m for m in missing)
    audit.refresh_from_db()
    assert audit.status == InternalAudit.Status.REPORTING


def test_an_audit_closes_once_assessed_and_concluded(officer, audit):
    started(officer, audit)
    assess_all(officer, audit)
    services.audit_transition(actor=officer, audit=audit, action="report")
    audit = services.audit_transition(
        actor=officer, audit=audit, action="close", note="The policy is in place."
    )
    assert audit.status == InternalAudit.Status.CLOSED and audit.closed_at
    assert audit.conclusion == "The policy is in place."
    with pytest.raises(TransitionNotAllowed):
        services.audit_save(actor=officer, audit=audit, data={"title": "Renamed"})


def test_api_close_refusal_is_409_with_what_is_missing(api_as, officer, audit):
    started(officer, audit)
    services.audit_transition(actor=officer, audit=audit, action="report")
    response = api_as(officer).post(
        reverse("api:internalaudit-transition", args=[audit.pk]), {"action": "close"}, format="json"
    )
    assert response.status_code == 409
    body = response.json()
    assert body["code"] == "prerequisites_missing" and body["extra"]["missing"]


def test_transition_out_of_order_is_409(api_as, officer, audit):
    response = api_as(officer).post(
        reverse("api:internalaudit-transition", args=[audit.pk]), {"action": "close"}, format="json"
    )
    assert response.status_code == 409
    assert "Planned" in response.json()["message"]


# --- Pages ----------------------------------------------------------------------------------


def test_officer_plans_an_audit_in_the_browser(client_as, officer, approver, controls):
    client = client_as(officer)
    response = client.post(
        reverse("internal_audits:audit_create"),
        {
            "title": "Browser audit",
            "scope": "Everything",
            "criteria": "ISO/IEC 42001",
            "planned_start": str(TODAY),
            "planned_end": str(TODAY + timedelta(days=2)),
            "lead_auditor": approver.pk,
            "controls": [controls["policy"].pk],
        },
    )
    audit = InternalAudit.objects.get(title="Browser audit")
    assert response.status_code == 302 and response["Location"] == services.audit_url(audit)


def test_the_browser_shows_the_independence_refusal(client_as, officer, approver, controls):
    statement(controls["policy"], owner=approver)
    response = client_as(officer).post(
        reverse("internal_audits:audit_create"),
        {
            "title": "Browser audit",
            "scope": "Everything",
            "criteria": "ISO/IEC 42001",
            "planned_start": str(TODAY),
            "planned_end": str(TODAY + timedelta(days=2)),
            "lead_auditor": approver.pk,
            "controls": [controls["policy"].pk],
        },
    )
    assert response.status_code == 400
    assert "cannot be the lead auditor" in response.content.decode()
    assert not InternalAudit.objects.exists()


def test_checklist_results_are_recorded_inline_with_htmx(client_as, officer, audit):
    started(officer, audit)
    item = audit.checklist.first()
    url = reverse("internal_audits:checklist_record", args=[item.pk])
    client = client_as(officer)
    refused = client.post(url, {"result": "nonconforming", "notes": ""}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400 and "Say what was seen" in refused.content.decode()
    done = client.post(url, {"result": "conforming", "notes": "ok"}, HTTP_HX_REQUEST="true")
    assert done.status_code == 200 and f'id="item-{item.pk}"' in done.content.decode()
    item.refresh_from_db()
    assert item.result == Result.CONFORMING


def test_audit_detail_shows_checklist_and_close_blockers(client_as, officer, auditor, audit):
    started(officer, audit)
    services.audit_transition(actor=officer, audit=audit, action="report")
    page = client_as(auditor).get(services.audit_url(audit)).content.decode()
    assert "X.1.1" in page and "close-blockers" in page
    assert 'name="result"' not in page  # auditors read, they do not record
    assert "Close the audit" not in page


def test_audit_list_filters_and_queries_stay_constant(
    client_as, officer, approver, controls, programme, django_assert_max_num_queries
):
    for n in range(3):
        plan(officer, lead=approver, controls=[controls["policy"]], title=f"Audit {n}")
    client = client_as(officer)
    url = reverse("internal_audits:audit_list")
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.content.decode().count('class="ref"') >= 3
    for n in range(10):
        plan(officer, lead=approver, controls=[controls["policy"]], title=f"More {n}")
    with django_assert_max_num_queries(12):
        client.get(url)
    filtered = client.get(url, {"q": "Audit 1", "status": "planned", "lead": approver.pk})
    assert "Audit 1" in filtered.content.decode() and "More 1" not in filtered.content.decode()


# --- Permissions ----------------------------------------------------------------------------


def test_auditors_read_every_page_and_write_nothing(client_as, officer, auditor, audit):
    started(officer, audit)
    client = client_as(auditor)
    for name, args, shows in (
        ("internal_audits:audit_list", [], audit.reference),
        ("internal_audits:audit_detail", [audit.pk], audit.reference),
        ("internal_audits:programme_list", [], audit.programme.title),
        ("internal_audits:finding_list", [], "Findings"),
    ):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        assert shows in response.content.decode(), (name, shows)
    item = audit.checklist.first()
    for url, data in (
        (reverse("internal_audits:audit_create"), {}),
        (reverse("internal_audits:audit_edit", args=[audit.pk]), {}),
        (reverse("internal_audits:audit_transition", args=[audit.pk, "report"]), {}),
        (reverse("internal_audits:audit_checklist_generate", args=[audit.pk]), {}),
        (reverse("internal_audits:checklist_record", args=[item.pk]), {"result": "conforming"}),
        (reverse("internal_audits:finding_create", args=[audit.pk]), {}),
    ):
        assert client.post(url, data).status_code == 403, url
    audit.refresh_from_db()
    item.refresh_from_db()
    assert audit.status == InternalAudit.Status.IN_PROGRESS
    assert item.result == Result.NOT_ASSESSED


def test_auditors_read_the_api_and_write_nothing(api_as, officer, auditor, audit):
    started(officer, audit)
    client = api_as(auditor)
    assert client.get(reverse("api:internalaudit-list")).json()["count"] == 1
    assert client.get(reverse("api:internalaudit-checklist", args=[audit.pk])).status_code == 200
    item = audit.checklist.first()
    for method, url, data in (
        ("post", reverse("api:internalaudit-list"), {"title": "x"}),
        ("patch", reverse("api:internalaudit-detail", args=[audit.pk]), {"title": "x"}),
        ("post", reverse("api:internalaudit-transition", args=[audit.pk]), {"action": "report"}),
        ("post", reverse("api:internalaudit-generate-checklist", args=[audit.pk]), {}),
        ("patch", reverse("api:checklistitem-detail", args=[item.pk]), {"result": "conforming"}),
        ("post", reverse("api:auditprogramme-list"), {"title": "x"}),
    ):
        response = getattr(client, method)(url, data, format="json")
        assert response.status_code == 403, (url, response.content)
    audit.refresh_from_db()
    assert audit.title == "Policy audit" and audit.status == InternalAudit.Status.IN_PROGRESS


def test_system_owners_do_not_see_audits(client_as, api_as, officer, owner, audit):
    assert client_as(owner).get(services.audit_url(audit)).status_code == 404
    assert client_as(owner).get(reverse("internal_audits:audit_list")).status_code == 403
    api = api_as(owner)
    assert api.get(reverse("api:internalaudit-list")).json()["count"] == 0
    assert api.get(reverse("api:internalaudit-detail", args=[audit.pk])).status_code == 404


def test_api_records_a_result_by_the_lead_auditor(api_as, officer, approver, audit):
    started(officer, audit)
    item = audit.checklist.first()
    response = api_as(officer).patch(
        reverse("api:checklistitem-detail", args=[item.pk]),
        {"result": "observation", "notes": "Policy not yet communicated to contractors"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["result"] == "observation" and body["assessed_by"] == approver.pk


def test_api_generates_checklist_idempotently(api_as, officer, audit):
    client = api_as(officer)
    url = reverse("api:internalaudit-generate-checklist", args=[audit.pk])
    assert client.post(url, format="json").json() == {"added": 2, "removed": 0, "kept": 0}
    assert client.post(url, format="json").json() == {"added": 0, "removed": 0, "kept": 2}


def test_owner_of_other_systems_may_lead_an_unrelated_audit(officer, owner, approver, controls):
    make_system(owner, name="Unrelated system")
    audit = plan(officer, lead=owner, controls=[controls["policy"]])
    assert audit.lead_auditor == owner


# --- Demo data ------------------------------------------------------------------------------


def test_demo_loads_once_through_the_services(controls, owner):
    import io

    from aims.models import CorrectiveAction
    from aims.roles import APPROVER, OFFICER
    from audits.internal_audits import demo as demo_internal_audits
    from audits.models import ManagementReview

    from ..factories import user_with_role

    officer = user_with_role(OFFICER, username="officer")
    user_with_role(APPROVER, username="approver")
    user_with_role(APPROVER, username="approver2")
    out = io.StringIO()
    demo_internal_audits.load(stdout=out)
    closed = InternalAudit.objects.get(title=demo_internal_audits.CLOSED_TITLE)
    assert closed.status == InternalAudit.Status.CLOSED
    assert not closed.checklist.filter(result=Result.NOT_ASSESSED).exists()
    finding = closed.findings.get()
    assert finding.kind == Finding.Kind.MINOR
    assert CorrectiveAction.objects.filter(source_id=finding.pk).count() == 1
    planned = InternalAudit.objects.get(title=demo_internal_audits.PLANNED_TITLE)
    assert planned.status == InternalAudit.Status.PLANNED
    review = ManagementReview.objects.get()
    assert review.status == ManagementReview.Status.HELD and review.actions.count() == 2
    assert closed.history.filter(history_user=officer).exists()
    counts = (
        InternalAudit.objects.count(),
        Finding.objects.count(),
        CorrectiveAction.objects.count(),
    )
    demo_internal_audits.load(stdout=out)
    assert counts == (
        InternalAudit.objects.count(),
        Finding.objects.count(),
        CorrectiveAction.objects.count(),
    )
    assert ManagementReview.objects.count() == 1


def test_a_refused_close_keeps_the_conclusion_typed(client_as, officer, audit):
    started(officer, audit)
    services.audit_transition(actor=officer, audit=audit, action="report")
    client = client_as(officer)
    url = reverse("internal_audits:audit_transition", args=[audit.pk, "close"])
    refused = client.post(url, {"note": "Policy control works; records thin."})
    assert refused["X-Refused"] == "409"
    page = client.get(services.audit_url(audit)).content.decode()
    assert "Policy control works; records thin.</textarea>" in page
    # Shown once: the draft is not kept forever in the session.
    again = client.get(services.audit_url(audit)).content.decode()
    assert "Policy control works; records thin." not in again
    audit.refresh_from_db()
    assert audit.status == InternalAudit.Status.REPORTING and audit.conclusion == ""
