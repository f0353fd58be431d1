"""The pages and the API of the certification body's findings: the register (filters, export,
bounded queries), recording from an audit (bad input keeps what was typed), the response form,
the actions offered, and the API (clause codes, refusals, overdue filter, read-only roles)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from audits.certification import findings as services
from audits.models import ExternalFinding, FindingResponse

from .helpers import clause, make_audit

pytestmark = pytest.mark.django_db
Kind, Status = ExternalFinding.Kind, ExternalFinding.Status
TODAY = date.today()
DUE = TODAY + timedelta(days=30)
API = "/api/v1/external-findings/"


@pytest.fixture
def audit(officer):
    return make_audit(officer)


@pytest.fixture
def major(officer, audit, owner):
    return services.record_finding(
        audit=audit,
        actor=officer,
        kind=Kind.MAJOR,
        title="Logs not kept",
        description="Event logs of the scoring model are not kept.",
        clauses=[clause("A.6.2.8")],
        response_due=DUE,
        owner=owner,
    )


# --- Pages ----------------------------------------------------------------------------------


def test_recording_without_a_clause_keeps_what_was_typed(client_as, officer, audit, owner):
    url = reverse("certification:finding_create", args=[audit.pk])
    response = client_as(officer).post(
        url,
        {
            "kind": "major",
            "title": "Typed title",
            "description": "Typed text",
            "response_due": DUE.isoformat(),
            "owner": owner.pk,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["clauses"]
    assert b"Typed title" in response.content and b"Typed text" in response.content
    assert ExternalFinding.objects.count() == 0


def test_recording_a_major_from_the_form_opens_its_action(client_as, officer, audit, owner):
    url = reverse("certification:finding_create", args=[audit.pk])
    response = client_as(officer).post(
        url,
        {
            "kind": "major",
            "title": "Risk not reassessed",
            "description": "x",
            "clauses": [clause("6.1.2", kind="clause").pk],
            "response_due": DUE.isoformat(),
            "owner": owner.pk,
        },
    )
    finding = ExternalFinding.objects.get()
    assert response.status_code == 302 and response.url == finding.get_absolute_url()
    assert finding.corrective_action.due_date == DUE
    page = client_as(officer).get(response.url)
    assert finding.corrective_action.reference in page.content.decode()


def test_an_auditor_gets_no_form(client_as, auditor, audit, major):
    assert (
        client_as(auditor).get(reverse("certification:finding_create", args=[audit.pk])).status_code
        == 403
    )
    page = client_as(auditor).get(major.get_absolute_url())
    assert page.status_code == 200 and page.context["actions"] == {
        "edit": False,
        "respond": False,
        "close": False,
        "reopen": False,
    }
    assert (
        client_as(auditor).post(reverse("certification:finding_close", args=[major.pk])).status_code
        == 403
    )


def test_the_owner_answers_through_the_response_form(client_as, owner, officer, major):
    page = client_as(owner).get(major.get_absolute_url())
    assert page.context["actions"]["respond"] and not page.context["actions"]["close"]
    url = reverse("certification:finding_respond", args=[major.pk])
    bad = client_as(owner).post(url, {"correction": "Fixed", "sent_on": TODAY.isoformat()})
    assert bad.status_code == 400 and b"Fixed" in bad.content
    done = client_as(owner).post(
        url,
        {
            "correction": "Fixed",
            "root_cause": "No rule",
            "corrective_action_taken": "A rule",
            "sent_on": TODAY.isoformat(),
            "evidence_url": "https://example.org/logs",
        },
    )
    assert done.status_code == 302
    major.refresh_from_db()
    assert major.status == Status.RESPONDED
    response = FindingResponse.objects.get()
    assert response.evidence.count() == 1
    closed = client_as(officer).post(reverse("certification:finding_close", args=[major.pk]))
    assert closed.status_code == 302
    major.refresh_from_db()
    assert major.status == Status.CLOSED


def test_an_overdue_escalated_major_shows_prominently(client_as, officer, owner, audit):
    late = services.record_finding(
        audit=audit,
        actor=officer,
        kind=Kind.MAJOR,
        title="Late",
        description="x",
        clauses=[clause("6.1.2")],
        response_due=audit.start_date,
        owner=owner,
    )
    services.escalate_overdue()
    page = client_as(officer).get(late.get_absolute_url()).content.decode()
    assert "Major nonconformity overdue" in page and "Overdue — escalated on" in page
    listing = client_as(officer).get(reverse("certification:finding_list") + "?overdue=on")
    assert [f.pk for f in listing.context["findings"]] == [late.pk]


def test_the_register_filters_exports_and_stays_bounded(
    client_as, officer, owner, audit, major, django_assert_max_num_queries
):
    for n in range(6):
        services.record_finding(
            audit=audit,
            actor=officer,
            kind=Kind.OFI,
            title=f"Idea {n}",
            description="x",
            clauses=[clause("A.6.2.8"), clause("6.1.2")],
        )
    client = client_as(officer)
    url = reverse("certification:finding_list")
    with django_assert_max_num_queries(25):
        page = client.get(url)
    assert page.status_code == 200 and len(page.context["findings"]) == 7
    assert [f.pk for f in client.get(url + "?kind=major").context["findings"]] == [major.pk]
    by_clause = client.get(url + f"?clause={clause('6.1.2').pk}").context["findings"]
    assert len(by_clause) == 6
    csv = client.get(reverse("certification:finding_export") + "?kind=major")
    assert csv.status_code == 200
    assert major.reference in b"".join(csv.streaming_content).decode()
    xlsx = client.get(reverse("certification:finding_export_xlsx"))
    assert xlsx.status_code == 200


def test_the_empty_register_says_what_comes_here(client_as, approver):
    page = client_as(approver).get(reverse("certification:finding_list"))
    assert b"The findings the certification body raises" in page.content


def test_an_owner_lists_only_their_own(client_as, owner, other_owner, major):
    url = reverse("certification:finding_list")
    assert [f.pk for f in client_as(owner).get(url).context["findings"]] == [major.pk]
    assert list(client_as(other_owner).get(url).context["findings"]) == []


# --- API ------------------------------------------------------------------------------------


def payload(audit, owner, **overrides):
    data = {
        "audit": audit.pk,
        "kind": "minor",
        "title": "Objectives not measured",
        "description": "x",
        "clauses": ["6.2", "A.6.2.8"],
        "response_due": DUE.isoformat(),
        "owner": owner.pk,
    }
    data.update(overrides)
    return data


def test_api_create_with_clause_codes(api_as, officer, audit, owner):
    clause("6.2", kind="clause"), clause("A.6.2.8")
    response = api_as(officer).post(API, payload(audit, owner), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert [c["code"] for c in body["clauses"]] == ["6.2", "A.6.2.8"]
    assert body["corrective_action_reference"].startswith("CAPA-")
    assert body["kind"] == "minor" and body["status"] == "open"


def test_api_unknown_or_missing_clause_is_a_400_on_clauses(api_as, officer, audit, owner):
    clause("6.2", kind="clause")
    unknown = api_as(officer).post(API, payload(audit, owner, clauses=["9.9.9"]), format="json")
    assert unknown.status_code == 400 and "clauses" in str(unknown.json())
    none = api_as(officer).post(API, payload(audit, owner, clauses=[]), format="json")
    assert none.status_code == 400 and "clauses" in str(none.json())
    no_due = api_as(officer).post(
        API, payload(audit, owner, clauses=["6.2"], response_due=None), format="json"
    )
    assert no_due.status_code == 400 and "response_due" in str(no_due.json())
    assert ExternalFinding.objects.count() == 0


def test_api_response_flow(api_as, officer, owner, major):
    early = api_as(officer).post(f"{API}{major.pk}/close/", {}, format="json")
    assert early.status_code == 409
    sent = api_as(owner).post(
        f"{API}{major.pk}/respond/",
        {
            "correction": "Logs switched on",
            "root_cause": "Default off",
            "corrective_action_taken": "Build template on",
            "sent_on": TODAY.isoformat(),
        },
        format="json",
    )
    assert sent.status_code == 201, sent.json()
    responses = api_as(owner).get(f"{API}{major.pk}/responses/").json()
    assert [r["correction"] for r in responses] == ["Logs switched on"]
    edit = api_as(officer).patch(f"{API}{major.pk}/", {"title": "New"}, format="json")
    assert edit.status_code == 409  # edited only while open
    reopened = api_as(officer).post(f"{API}{major.pk}/reopen/", {"note": "Thin"}, format="json")
    assert reopened.status_code == 200 and reopened.json()["status"] == "open"
    assert (
        api_as(officer).patch(f"{API}{major.pk}/", {"title": "New"}, format="json").status_code
        == 200
    )


def test_api_overdue_filter_and_visibility(api_as, officer, owner, other_owner, audit, major):
    late = services.record_finding(
        audit=audit,
        actor=officer,
        kind=Kind.MINOR,
        title="Late",
        description="x",
        clauses=[clause("6.1.2")],
        response_due=audit.start_date,
        owner=officer,
    )
    ids = [f["id"] for f in api_as(officer).get(API + "?overdue=true").json()["results"]]
    assert ids == [late.pk]
    mine = [f["id"] for f in api_as(owner).get(API).json()["results"]]
    assert mine == [major.pk]
    assert api_as(other_owner).get(f"{API}{major.pk}/").status_code == 404
    answer = {
        "correction": "a",
        "root_cause": "b",
        "corrective_action_taken": "c",
        "sent_on": TODAY.isoformat(),
    }
    refused = api_as(other_owner).post(f"{API}{major.pk}/respond/", answer, format="json")
    assert refused.status_code == 404
    assert not FindingResponse.objects.exists()


def test_api_read_only_roles_cannot_write(api_as, auditor, approver, audit, owner, major):
    for user in (auditor, approver):
        client = api_as(user)
        assert client.get(f"{API}{major.pk}/").status_code == 200
        assert client.post(API, payload(audit, owner), format="json").status_code == 403
        assert client.patch(f"{API}{major.pk}/", {"title": "x"}, format="json").status_code == 403
        assert client.post(f"{API}{major.pk}/close/", {}, format="json").status_code == 403
        assert (
            client.post(
                f"{API}{major.pk}/respond/",
                {
                    "correction": "a",
                    "root_cause": "b",
                    "corrective_action_taken": "c",
                    "sent_on": TODAY.isoformat(),
                },
                format="json",
            ).status_code
            == 403
        )


def test_api_clauses_by_id_and_the_clause_filter(api_as, officer, audit, owner, major):
    item = clause("6.2", kind="clause")
    created = api_as(officer).post(
        API, payload(audit, owner, kind="ofi", response_due=None, clauses=[item.pk]), format="json"
    )
    assert created.status_code == 201, created.json()
    assert created.json()["corrective_action"] is None
    listed = api_as(officer).get(API + "?clause=6.2").json()["results"]
    assert [f["id"] for f in listed] == [created.json()["id"]]
    assert [f["id"] for f in api_as(officer).get(API + "?kind=major").json()["results"]] == [
        major.pk
    ]
