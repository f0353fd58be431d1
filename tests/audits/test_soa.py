"""The Statement of Applicability: officers edit it through the service (an exclusion needs a
justification), everyone else reads it; versions are approved, compared and exported."""

import csv
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from aims.errors import RuleForbidden
from audits.models import ControlStatement, SoAVersion
from audits.soa import services

from .soa_helpers import attach, statement

pytestmark = pytest.mark.django_db

ANNEX_A_CONTROLS = 38


def exclude(actor, code: str, justification: str = "") -> ControlStatement:
    return services.statement_update(
        actor=actor,
        statement=statement(code),
        data={"applicable": False, "justification": justification},
    )


# --- Editing ---------------------------------------------------------------------------------


def test_an_exclusion_without_justification_is_refused(officer):
    with pytest.raises(ValidationError) as refused:
        exclude(officer, "A.4.5", "   ")
    assert "justification" in refused.value.message_dict
    assert statement("A.4.5").applicable is True
    assert statement("A.4.5").history.count() == 0  # nothing written


def test_an_exclusion_with_justification_is_recorded_with_who_and_why(officer):
    exclude(officer, "A.4.5", "We run no own computing: all AI is consumed as SaaS.")
    s = statement("A.4.5")
    assert s.applicable is False
    row = s.history.latest("history_id")
    assert row.history_user == officer and row.history_change_reason


def test_clause_requirements_cannot_be_excluded(officer):
    with pytest.raises(ValidationError) as refused:
        exclude(officer, "9.2.2", "We do not audit")
    assert "applicable" in refused.value.message_dict


@pytest.mark.parametrize("role", ["auditor", "approver", "owner"])
def test_only_officers_change_statements(request, role):
    user = request.getfixturevalue(role)
    with pytest.raises(RuleForbidden):
        services.statement_update(
            actor=user, statement=statement("A.2.2"), data={"implementation_status": "planned"}
        )
    assert statement("A.2.2").implementation_status == "not_started"


def test_the_web_form_shows_the_missing_justification(client_as, officer):
    s = statement("A.7.5")
    response = client_as(officer).post(
        reverse("soa:statement_edit", args=[s.pk]),
        {"implementation_status": "not_started", "justification": ""},  # applicable unticked
    )
    assert response.status_code == 400
    assert "exclusion needs a justification" in response.content.decode()
    assert statement("A.7.5").applicable is True


def test_the_web_form_saves_and_links_systems_and_risks(client_as, officer, system):
    s = statement("A.6.2.4")
    response = client_as(officer).post(
        reverse("soa:statement_edit", args=[s.pk]),
        {
            "applicable": "on",
            "implementation_status": "partial",
            "implementation_notes": "Bias tests before each release",
            "owner": officer.pk,
            "systems": [system.pk],
        },
    )
    assert response.status_code == 302
    s.refresh_from_db()
    assert s.implementation_status == "partial" and s.owner == officer
    assert list(s.systems.all()) == [system]


def test_the_api_refuses_an_exclusion_without_justification_on_the_field(api_as, officer):
    s = statement("A.8.3")
    response = api_as(officer).patch(
        reverse("api:controlstatement-detail", args=[s.pk]), {"applicable": False}, format="json"
    )
    assert response.status_code == 400
    assert "justification" in response.json()["extra"]["fields"]


def test_the_api_updates_for_officers_and_answers_with_readiness(api_as, officer):
    s = statement("A.8.3")
    response = api_as(officer).patch(
        reverse("api:controlstatement-detail", args=[s.pk]),
        {"implementation_status": "implemented", "owner": officer.pk},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["code"] == "A.8.3" and body["implementation_status"] == "implemented"
    assert body["readiness"] == {
        "has_owner": True,
        "has_evidence": False,
        "implemented": True,
        "excluded": False,
        "ready": False,
        "next_step": "Attach in-date evidence.",
        "security_evidence": [],
    }


# --- Reading ---------------------------------------------------------------------------------


def test_auditors_read_everything_and_write_nothing(client_as, api_as, auditor, officer):
    s = statement("A.5.2")
    attach(officer, "A.5.2", title="Impact assessment procedure")
    client = client_as(auditor)
    page = client.get(reverse("soa:statement_detail", args=[s.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Impact assessment procedure" in html
    assert 'id="statement-form"' not in html and "Attach evidence" not in html
    assert client.get(reverse("soa:statement_edit", args=[s.pk])).status_code == 403
    refused = client.post(
        reverse("soa:statement_edit", args=[s.pk]), {"implementation_status": "implemented"}
    )
    assert refused.status_code == 403
    attach_url = reverse("aims:evidence_attach", args=["audits.controlstatement", s.pk])
    assert client.get(attach_url).status_code == 403
    api = api_as(auditor)
    assert api.get(reverse("api:controlstatement-detail", args=[s.pk])).status_code == 200
    assert (
        api.patch(
            reverse("api:controlstatement-detail", args=[s.pk]),
            {"implementation_status": "implemented"},
            format="json",
        ).status_code
        == 403
    )
    assert api.post(reverse("api:soaversion-list"), {}, format="json").status_code == 403
    assert statement("A.5.2").implementation_status == "not_started"
    assert not SoAVersion.objects.exists()


def test_the_list_filters_and_keeps_its_query_count(
    client_as, officer, django_assert_max_num_queries
):
    exclude(officer, "A.4.5", "No own computing")
    client = client_as(officer)
    url = reverse("soa:statement_list")
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("<tr data-code=") == 50  # one page
    excluded = client.get(url, {"applicable": "no"}).content.decode()
    assert 'data-code="A.4.5"' in excluded and excluded.count("<tr data-code=") == 1
    section = client.get(url, {"section": "A.7"}).content.decode()
    assert section.count("<tr data-code=") == 5
    assert client.get(url, {"q": "provenance"}).content.decode().count("<tr data-code=") == 1
    with django_assert_max_num_queries(14):
        client.get(url, {"page": 2})


def test_people_without_a_role_are_refused(client_as, api_as, nobody):
    assert client_as(nobody).get(reverse("soa:statement_list")).status_code == 403
    body = api_as(nobody).get(reverse("api:controlstatement-list")).json()
    assert body["count"] == 0


def test_the_api_list_reads_a_page_in_constant_queries(
    api_as, auditor, officer, django_assert_max_num_queries
):
    for code in ("A.2.2", "A.2.3", "A.3.2"):
        attach(officer, code)
    with django_assert_max_num_queries(10):
        body = api_as(auditor).get(reverse("api:controlstatement-list"), {"page_size": 100}).json()
    assert body["count"] == 70
    rows = {row["code"]: row for row in body["results"]}
    assert rows["A.2.2"]["evidence"][0]["in_date"] is True
    catalogue = (
        api_as(auditor)
        .get(reverse("api:catalogueitem-list"), {"kind": "control", "is_heading": False})
        .json()
    )
    assert catalogue["count"] == ANNEX_A_CONTROLS


# --- Versions, comparison, export -----------------------------------------------------------


def test_approving_snapshots_every_control_with_the_next_number(officer, approver):
    first = services.soa_version_approve(actor=officer, note="Initial SoA")
    services.statement_update(
        actor=officer, statement=statement("A.9.4"), data={"implementation_status": "planned"}
    )
    second = services.soa_version_approve(actor=approver)
    assert (first.number, second.number) == (1, 2)
    assert len(first.rows) == ANNEX_A_CONTROLS
    row = next(r for r in first.rows if r["code"] == "A.9.4")
    assert row["implementation_status"] == "not_started"  # the snapshot never moves
    assert second.approved_by == approver
    assert second.history.get().history_user == approver


def test_nobody_approves_their_own_changes(officer, approver, django_user_model):
    services.statement_update(
        actor=officer, statement=statement("A.9.4"), data={"implementation_status": "planned"}
    )
    with pytest.raises(RuleForbidden, match="A.9.4"):
        services.soa_version_approve(actor=officer)
    first = services.soa_version_approve(actor=approver)
    # Changes before the approved version no longer count against the officer.
    assert services.soa_version_approve(actor=officer).number == first.number + 1
    # Clause requirements are not part of the SoA: editing them does not bar approval.
    services.statement_update(
        actor=officer,
        statement=statement("4.1"),
        data={"implementation_status": "planned"},
    )
    assert services.soa_version_approve(actor=officer).number == first.number + 2


@pytest.mark.parametrize("role", ["auditor", "owner"])
def test_readers_cannot_approve(request, role):
    with pytest.raises(RuleForbidden):
        services.soa_version_approve(actor=request.getfixturevalue(role))


def test_versions_compare_field_by_field(officer, approver, client_as, api_as, auditor):
    services.soa_version_approve(actor=officer)
    exclude(officer, "A.10.4", "We have no external customers of AI")
    services.statement_update(
        actor=officer,
        statement=statement("A.6.2.6"),
        data={"implementation_status": "implemented", "owner": officer},
    )
    services.soa_version_approve(actor=approver)
    comparison = services.soa_compare(
        SoAVersion.objects.get(number=1).rows, SoAVersion.objects.get(number=2).rows
    )
    changed = {
        row.code: {c.field: (c.before, c.after) for c in row.changes} for row in comparison.changed
    }
    assert set(changed) == {"A.10.4", "A.6.2.6"}
    assert changed["A.10.4"]["applicable"] == ("Yes", "No (excluded)")
    assert changed["A.10.4"]["justification"] == ("", "We have no external customers of AI")
    assert changed["A.6.2.6"]["implementation_status"] == ("Not started", "Implemented")
    assert changed["A.6.2.6"]["owner"] == ("", officer.username)
    assert comparison.added == comparison.removed == []

    page = client_as(auditor).get(reverse("soa:version_compare"), {"a": 1, "b": 2})
    assert page.status_code == 200
    assert 'data-code="A.10.4" data-field="applicable"' in page.content.decode()
    body = api_as(auditor).get(reverse("api:soaversion-compare"), {"a": "1", "b": "2"}).json()
    assert {row["code"] for row in body["changed"]} == {"A.10.4", "A.6.2.6"}
    bad = api_as(auditor).get(reverse("api:soaversion-compare"), {"a": "1", "b": "9"})
    assert bad.status_code == 400 and "b" in bad.json()["extra"]["fields"]


def test_added_and_removed_rows():
    before = [{"code": "A.1", "title": "Old"}, {"code": "A.2", "title": "Same"}]
    after = [{"code": "A.2", "title": "Same"}, {"code": "A.3", "title": "New"}]
    comparison = services.soa_compare(before, after)
    assert [r["code"] for r in comparison.added] == ["A.3"]
    assert [r["code"] for r in comparison.removed] == ["A.1"]
    assert comparison.changed == []


def test_csv_exports_neutralise_formulas(client_as, officer, approver, auditor):
    exclude(officer, "A.3.3", '=HYPERLINK("http://evil")')
    services.soa_version_approve(actor=approver)
    client = client_as(auditor)
    for url in (reverse("soa:statement_export"), reverse("soa:version_export", args=[1])):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert rows[0][:3] == ["Control", "Title", "Applicable"]
        assert len(rows) == ANNEX_A_CONTROLS + 1
        row = next(r for r in rows if r[0] == "A.3.3")
        assert row[2] == "No" and row[3] == '\'=HYPERLINK("http://evil")'


def test_version_pages_are_for_officers_approvers_and_auditors(client_as, officer, owner, approver):
    services.soa_version_approve(actor=officer)
    assert client_as(owner).get(reverse("soa:version_list")).status_code == 403
    client = client_as(approver)
    assert client.get(reverse("soa:version_detail", args=[1])).status_code == 200
    assert client.get(reverse("soa:version_detail", args=[7])).status_code == 404
    assert client.get(reverse("soa:version_approve")).status_code == 200
    response = client.post(reverse("soa:version_approve"), {"note": "Committee, March"})
    assert response.status_code == 302
    assert SoAVersion.objects.get(number=2).note == "Committee, March"


def test_an_update_that_changes_nothing_writes_no_history(officer):
    s = services.statement_update(
        actor=officer, statement=statement("A.8.5"), data={"implementation_status": "planned"}
    )
    assert s.history.get().history_change_reason == "A.8.5 marked planned"
    services.statement_update(
        actor=officer, statement=statement("A.8.5"), data={"implementation_status": "planned"}
    )
    assert statement("A.8.5").history.count() == 1


def test_the_approve_page_says_why_before_the_form_is_filled(officer, approver, client_as):
    """The page calls the service's own rule: an officer with changes of their own sees the
    reason and no approve button; someone else sees the form."""
    services.statement_update(
        actor=officer, statement=statement("A.9.4"), data={"implementation_status": "planned"}
    )
    url = reverse("soa:version_approve")
    own = client_as(officer).get(url).content.decode()
    assert 'id="own-changes"' in own and "A.9.4" in own
    assert "Approve as a new version" not in own
    other = client_as(approver).get(url).content.decode()
    assert 'id="own-changes"' not in other and "Approve as a new version" in other
    refused = client_as(officer).post(url, {"note": ""})
    assert refused.status_code == 403 and not SoAVersion.objects.exists()
