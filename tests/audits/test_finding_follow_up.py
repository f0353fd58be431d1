"""A finding's follow-up: officers name its owner and due date (also once the audit is
closed), the owner is told and reminded when it is overdue; the findings register filters,
sorts and exports it."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from aims.errors import BusinessRuleError
from aims.models import Notification
from aims.people import display_name
from aims.reminders.sweep import run_sweep
from audits.internal_audits import findings as finding_services
from audits.models import Finding, InternalAudit

from . import test_internal_audits as ia

pytestmark = pytest.mark.django_db
audit = ia.audit
controls = ia.controls
programme = ia.programme
TODAY = timezone.localdate()


@pytest.fixture
def finding(officer, audit):
    running = ia.started(officer, audit)
    return finding_services.finding_raise(
        actor=officer,
        audit=running,
        kind=Finding.Kind.OBSERVATION,
        title="=cmd|' /C calc'!A0",
        description="Seen",
    )


def follow_up(actor, finding, owner, due):
    return finding_services.finding_update(
        actor=actor, finding=finding, data={"owner": owner, "due_date": due}
    )


def test_an_officer_names_the_owner_and_due_date_and_the_owner_is_told(officer, owner, finding):
    due = TODAY + timedelta(days=10)
    follow_up(officer, finding, owner, due)
    finding.refresh_from_db()
    assert (finding.owner, finding.due_date, finding.status) == (owner, due, "open")
    assert "owner" in finding.history.latest().history_change_reason
    note = Notification.objects.get(recipient=owner)
    assert finding.reference in note.title and note.link == finding.get_absolute_url()


def test_follow_up_refusals_change_nothing(officer, approver, auditor, owner, finding):
    before = finding.history.count()
    with pytest.raises(BusinessRuleError) as past:
        follow_up(officer, finding, owner, TODAY - timedelta(days=1))
    assert past.value.code == "due_date_past"
    with pytest.raises(BusinessRuleError) as reader:
        follow_up(officer, finding, auditor, TODAY + timedelta(days=1))
    assert reader.value.code == "owner_cannot_act"
    with pytest.raises(BusinessRuleError) as forbidden:
        follow_up(approver, finding, owner, TODAY + timedelta(days=1))
    assert forbidden.value.code == "permission_denied"
    finding.refresh_from_db()
    assert finding.owner is None and finding.due_date is None
    assert finding.history.count() == before and not Notification.objects.exists()


def test_once_the_audit_is_closed_only_the_follow_up_changes(officer, owner, finding):
    InternalAudit.objects.filter(pk=finding.audit_id).update(status=InternalAudit.Status.CLOSED)
    follow_up(officer, finding, owner, TODAY + timedelta(days=3))
    with pytest.raises(BusinessRuleError) as closed:
        finding_services.finding_update(actor=officer, finding=finding, data={"title": "New"})
    assert closed.value.code == "audit_closed"


def test_the_edit_page_sets_the_owner_and_the_detail_shows_it(client_as, officer, owner, finding):
    client = client_as(officer)
    due = (TODAY + timedelta(days=7)).isoformat()
    data = {
        "kind": finding.kind,
        "title": "Renamed",
        "description": "Seen",
        "owner": owner.pk,
        "due_date": due,
    }
    response = client.post(reverse("internal_audits:finding_edit", args=[finding.pk]), data)
    assert response.status_code == 302
    page = client.get(reverse("internal_audits:finding_detail", args=[finding.pk]))
    html = page.content.decode()
    assert 'id="finding-owner"' in html and display_name(owner) in html


def test_the_api_sets_the_follow_up_with_field_errors(api_as, officer, owner, finding):
    url = reverse("api:finding-detail", args=[finding.pk])
    bad = api_as(officer).patch(url, {"owner": owner.pk, "due_date": "2000-01-01"}, format="json")
    assert bad.status_code == 400 and bad.data["code"] == "due_date_past"
    assert "due_date" in bad.data["extra"]["fields"]
    due = (TODAY + timedelta(days=4)).isoformat()
    ok = api_as(officer).patch(url, {"owner": owner.pk, "due_date": due}, format="json")
    assert ok.status_code == 200 and ok.data["owner"] == owner.pk and ok.data["due_date"] == due


def test_an_overdue_finding_reaches_its_owner(officer, owner, finding):
    follow_up(officer, finding, owner, TODAY + timedelta(days=1))
    Finding.objects.filter(pk=finding.pk).update(due_date=TODAY - timedelta(days=1))
    run_sweep(today=TODAY)
    note = Notification.objects.get(recipient=owner, dedupe_key__startswith="finding-due:")
    assert finding.reference in note.title and note.dedupe_key.endswith(":overdue")


@pytest.fixture
def register(officer, owner, finding, audit):
    second = finding_services.finding_raise(
        actor=officer, audit=finding.audit, kind=Finding.Kind.OFI, title="Later", description="d"
    )
    follow_up(officer, finding, owner, TODAY + timedelta(days=1))
    Finding.objects.filter(pk=finding.pk).update(due_date=TODAY - timedelta(days=3))
    Finding.objects.filter(pk=second.pk).update(due_date=TODAY + timedelta(days=5))
    return finding, second


def refs(response) -> list[str]:
    return [f.reference for f in response.context["findings"]]


def test_findings_register_filters_and_sorts(
    client_as, auditor, owner, register, django_assert_max_num_queries
):
    overdue, other = register
    client = client_as(auditor)
    url = reverse("internal_audits:finding_list")
    with django_assert_max_num_queries(15):
        response = client.get(url, {"overdue": "on"})
    assert refs(response) == [overdue.reference]
    assert refs(client.get(url, {"owner": owner.pk})) == [overdue.reference]
    assert refs(client.get(url, {"kind": "ofi"})) == [other.reference]
    assert refs(client.get(url, {"sort": "due"})) == [overdue.reference, other.reference]
    assert refs(client.get(url, {"sort": "-due"})) == [other.reference, overdue.reference]
    assert refs(client.get(url, {"sort": "reference"})) == [overdue.reference, other.reference]
    assert refs(client.get(url, {"sort": "-reference"})) == [other.reference, overdue.reference]


def test_findings_register_exports_xlsx_with_formulas_defused(client_as, auditor, owner, register):
    overdue, _ = register
    response = client_as(auditor).get(
        reverse("internal_audits:finding_export_xlsx"), {"overdue": "on"}
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    (row,) = rows
    values = dict(zip(header, row, strict=True))
    assert values["Reference"] == overdue.reference and values["Owner"] == display_name(owner)
    assert values["Due date"].date() == TODAY - timedelta(days=3)
    assert values["Title"].startswith("'=")
    csv_text = b"".join(
        client_as(auditor).get(reverse("internal_audits:finding_export")).streaming_content
    ).decode()
    assert overdue.reference in csv_text and "'=cmd" in csv_text
