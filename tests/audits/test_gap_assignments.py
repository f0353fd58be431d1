"""Working the readiness gaps: an officer assigns a gap (owner, due date), the assignee works
it, everyone else reads; the register filters, sorts and exports exactly what it shows; the
owner is told and reminded."""

import csv
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
from aims.roles import AUDITOR
from audits.models import GapAssignment
from audits.soa import assignments
from audits.soa.assignments import gap_assign, gap_rows, gap_update

from ..factories import user_with_role

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
KIND, CODE = "not_ready", "A.6.2.6"  # every fresh catalogue has this control not ready
OTHER = "A.6.2.5"


def assign(actor, owner, *, record=CODE, due=None, note=""):
    return gap_assign(
        actor=actor,
        kind=KIND,
        record=record,
        owner=owner,
        due_date=due or TODAY + timedelta(days=14),
        note=note,
    )


def refusal(call) -> BusinessRuleError:
    with pytest.raises(BusinessRuleError) as caught:
        call()
    return caught.value


def history_rows() -> int:
    return GapAssignment.history.count()


# --- Assigning ------------------------------------------------------------------------------


def test_an_officer_assigns_a_gap_and_its_owner_is_told(officer, owner):
    assignment = assign(officer, owner, note="Start with the policy")
    assert (assignment.kind, assignment.record, assignment.owner) == (KIND, CODE, owner)
    assert assignment.status == GapAssignment.Status.OPEN
    latest = assignment.history.latest()
    assert latest.history_user == officer and "Assigned to" in latest.history_change_reason
    note = Notification.objects.get(recipient=owner)
    assert CODE in note.title and note.link == reverse("soa:gap_detail", args=[KIND, CODE])
    # The same gap, computed again, finds its assignment.
    (row,) = [r for r in gap_rows(user=officer) if r.record == CODE]
    assert row.owner == owner and row.due_date == assignment.due_date


@pytest.mark.parametrize("role", ["owner", "approver", "auditor"])
def test_only_officers_assign(request, role, owner):
    actor = request.getfixturevalue(role)
    assert not assignments.can_assign_gap(actor)
    exc = refusal(lambda: assign(actor, owner))
    assert exc.code == "permission_denied" and exc.status_code == 403
    assert GapAssignment.objects.count() == 0 and history_rows() == 0
    assert not Notification.objects.exists()


def test_refusals_have_a_code_and_words_and_change_nothing(officer, owner, auditor):
    past = refusal(lambda: assign(officer, owner, due=TODAY - timedelta(days=1)))
    assert past.code == "due_date_past" and "past" in past.message
    assert past.extra["fields"] == {"due_date": [past.message]}
    reader = refusal(lambda: assign(officer, auditor))
    assert reader.code == "owner_cannot_act" and "read only" in reader.message
    gone = user_with_role("System owner", username="left_t")
    gone.is_active = False
    gone.save()
    disabled = refusal(lambda: assign(officer, gone))
    assert disabled.code == "owner_cannot_act" and "disabled" in disabled.message
    unknown = refusal(lambda: assign(officer, owner, record="Z.99"))
    assert unknown.code == "unknown_gap" and unknown.status_code == 404
    assert GapAssignment.objects.count() == 0 and history_rows() == 0


# --- Working it -----------------------------------------------------------------------------


def test_the_assignee_updates_their_own_gap(officer, owner):
    assignment = assign(officer, owner)
    assert assignments.can_update_gap(owner, assignment)
    gap_update(actor=owner, assignment=assignment, status="in_progress", note="Drafting")
    assignment.refresh_from_db()
    assert assignment.status == "in_progress" and assignment.note == "Drafting"
    assert assignment.history.latest().history_user == owner


def test_resolving_needs_a_note(officer, owner):
    assignment = assign(officer, owner)
    exc = refusal(
        lambda: gap_update(actor=owner, assignment=assignment, status="resolved", note="")
    )
    assert exc.code == "note_required"
    gap_update(actor=owner, assignment=assignment, status="resolved", note="Policy approved")
    assignment.refresh_from_db()
    assert assignment.status == "resolved"


@pytest.mark.parametrize("role", ["other_owner", "approver", "auditor"])
def test_anyone_else_only_reads(request, role, officer, owner):
    assignment = assign(officer, owner)
    before = history_rows()
    actor = request.getfixturevalue(role)
    assert not assignments.can_update_gap(actor, assignment)
    exc = refusal(
        lambda: gap_update(actor=actor, assignment=assignment, status="resolved", note="x")
    )
    assert exc.code == "permission_denied"
    assignment.refresh_from_db()
    assert assignment.status == "open" and history_rows() == before


# --- The register ---------------------------------------------------------------------------


@pytest.fixture
def worked(officer, owner, other_owner):
    """Two gaps assigned (one overdue), the rest unassigned."""
    first = assign(officer, owner, due=TODAY + timedelta(days=3), note='=HYPERLINK("x")')
    second = assign(officer, other_owner, record=OTHER, due=TODAY + timedelta(days=30))
    GapAssignment.objects.filter(pk=first.pk).update(due_date=TODAY - timedelta(days=2))
    return first, second


def records(response) -> list[str]:
    return [row.record for row in response.context["gaps"]]


def test_register_filters(client_as, officer, owner, worked):
    client = client_as(officer)
    url = reverse("soa:gap_register")
    assert records(client.get(url, {"overdue": "on"})) == [CODE]
    assert records(client.get(url, {"owner": owner.pk})) == [CODE]
    assert records(client.get(url, {"status": "open", "sort": "record"})) == [OTHER, CODE]
    unassigned = records(client.get(url, {"unassigned": "on", "page_size": 200}))
    assert unassigned and CODE not in unassigned and OTHER not in unassigned
    assert records(client.get(url, {"q": "hyperlink"})) == []  # notes are not searched
    kinds = {r.kind for r in client.get(url, {"kind": KIND, "page_size": 200}).context["gaps"]}
    assert kinds == {KIND}


def test_register_sorts_through_the_whitelist(client_as, officer, worked):
    client = client_as(officer)
    url = reverse("soa:gap_register")
    assert records(client.get(url, {"sort": "due"}))[:2] == [CODE, OTHER]
    assert records(client.get(url, {"sort": "-due"}))[:2] == [OTHER, CODE]
    by_owner = client.get(url, {"sort": "owner"}).context["gaps"]
    assert [r.owner_name for r in by_owner[:2]] == sorted(r.owner_name for r in by_owner[:2])
    assert by_owner[2].owner is None  # unassigned come last
    assert client.get(url, {"sort": "id"}).context["sort"] == "severity"


def test_register_page_reads_a_fixed_number_of_queries(
    client_as, officer, worked, django_assert_max_num_queries
):
    client = client_as(officer)
    with django_assert_max_num_queries(40):
        response = client.get(reverse("soa:gap_register"), {"page_size": 200})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-overdue="yes"' in html and "readiness/gaps/export.xlsx?" in html


def test_exports_hold_the_filtered_rows_with_formulas_defused(client_as, officer, owner, worked):
    client = client_as(officer)
    response = client.get(reverse("soa:gap_export_xlsx"), {"owner": owner.pk})
    assert response["Content-Disposition"].endswith('filename="readiness-gaps.xlsx"')
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    header, (row,) = rows[0], rows[1:]
    values = dict(zip(header, row, strict=True))
    assert values["Record"] == CODE and values["Owner"] == display_name(owner)
    assert values["Due date"].date() == TODAY - timedelta(days=2)
    assert values["Overdue"] == "yes" and values["Status"] == "Open"
    assert values["Note"] == '\'=HYPERLINK("x")'
    text = b"".join(client.get(reverse("soa:gap_export"), {"overdue": "on"}).streaming_content)
    (line,) = list(csv.DictReader(io.StringIO(text.decode())))
    assert line["Record"] == CODE and line["Note"].startswith("'=")


# --- Browser forms and API ------------------------------------------------------------------


def test_the_browser_form_assigns_and_shows_a_refusal_under_its_field(client_as, officer, owner):
    client = client_as(officer)
    url = reverse("soa:gap_assign", args=[KIND, CODE])
    past = (TODAY - timedelta(days=1)).isoformat()
    refused = client.post(url, {"assign-owner": owner.pk, "assign-due_date": past})
    assert refused.status_code == 400
    assert refused.context["assign_form"].errors["due_date"]
    assert not GapAssignment.objects.exists()
    due = (TODAY + timedelta(days=5)).isoformat()
    done = client.post(url, {"assign-owner": owner.pk, "assign-due_date": due})
    assert done.status_code == 302
    page = client_as(owner).get(reverse("soa:gap_detail", args=[KIND, CODE]))
    assert page.context["status_form"] is not None and page.context["assign_form"] is None


def test_an_unknown_gap_page_is_404(client_as, officer):
    assert client_as(officer).get(reverse("soa:gap_detail", args=[KIND, "Z.99"])).status_code == 404


def test_the_api_assigns_with_field_errors_and_the_assignee_updates(
    api_as, officer, owner, auditor
):
    url = reverse("api:readiness-gap-assign", args=[KIND, CODE])
    api = api_as(officer)
    bad = api.post(url, {"owner": owner.pk, "due_date": "2000-01-01"}, format="json")
    assert bad.status_code == 400 and bad.data["code"] == "due_date_past"
    assert "due_date" in bad.data["extra"]["fields"]
    unknown = api.post(url, {"owner": owner.pk, "due_date": "2999-01-01", "status": "resolved"})
    assert unknown.status_code == 400 and "status" in unknown.data["extra"]["fields"]
    assert not GapAssignment.objects.exists()
    shape = api.post(url, {"owner": owner.pk}, format="json")
    assert shape.status_code == 400 and "due_date" in shape.data["extra"]["fields"]
    due = (TODAY + timedelta(days=9)).isoformat()
    ok = api.post(url, {"owner": owner.pk, "due_date": due}, format="json")
    assert ok.status_code == 200 and ok.data["owner"] == owner.pk and ok.data["due_date"] == due
    status_url = reverse("api:readiness-gap-status", args=[KIND, CODE])
    refused = api_as(auditor).post(status_url, {"status": "resolved", "note": "x"}, format="json")
    assert refused.status_code == 403
    mine = api_as(owner).post(status_url, {"status": "in_progress"}, format="json")
    assert mine.status_code == 200 and mine.data["status"] == "in_progress"
    listed = api_as(auditor).get(reverse("api:readiness-gaps"), {"owner": owner.pk})
    assert [g["record"] for g in listed.data["results"]] == [CODE]


# --- Reminders ------------------------------------------------------------------------------


def test_an_overdue_gap_reaches_its_owner(officer, owner):
    assignment = assign(officer, owner)
    GapAssignment.objects.filter(pk=assignment.pk).update(due_date=TODAY - timedelta(days=1))
    run_sweep(today=TODAY)
    note = Notification.objects.get(recipient=owner, dedupe_key__startswith="readiness-gap:")
    assert CODE in note.title and note.dedupe_key.endswith(":overdue")
    # Resolved gaps are not chased.
    gap_update(actor=owner, assignment=assignment, status="resolved", note="Done")
    GapAssignment.objects.filter(pk=assignment.pk).update(due_date=TODAY - timedelta(days=5))
    assert run_sweep(today=TODAY).created.get("readiness-gap", 0) == 0


def test_auditors_cannot_hold_a_gap(officer):
    reader = user_with_role(AUDITOR, username="reader_t")
    assert not assignments.able_to_act(reader)
