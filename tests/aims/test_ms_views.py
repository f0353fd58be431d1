"""Management-system pages: who may see and do what (officer, approver, system owner,
auditor), the policy banner, refusals shown with their reason, and constant query counts."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from aims.context_processors import navigation, policy_banner
from aims.models import ContextIssue, InterestedParty, Objective, PolicyVersion
from aims.ms import services as ms_services

from ..factories import make_system

pytestmark = pytest.mark.django_db


@pytest.fixture
def policy(officer):
    return ms_services.policy_create(actor=officer, title="AI policy", body="Use AI with care.")


@pytest.fixture
def published_policy(policy, approver):
    version = policy.versions.get()
    ms_services.version_approve(actor=approver, version=version)
    ms_services.version_publish(actor=approver, version=version)
    return policy


@pytest.fixture
def objective(officer, owner):
    return ms_services.objective_create(
        actor=officer,
        data={
            "title": "Fewer complaints",
            "measure": "Complaints about AI answers per month",
            "baseline": Decimal("40"),
            "target_value": Decimal("10"),
            "higher_is_better": False,
            "owner": owner,
            "due_date": timezone.localdate() - timedelta(days=3),
        },
    )


def party_data(**overrides) -> dict:
    return {
        "name": "Customers",
        "category": "customers",
        "requirements": "Clear answers",
        "addressed_by": "",
        "relevant_to_aims": "on",
        "owner": "",
        **overrides,
    }


# --- Overview and scope ---------------------------------------------------------------------


def test_overview_for_officer_and_owner(client_as, officer, owner, policy):
    ms_services.scope_save(actor=officer, data={"statement": "Every AI system we run."})
    ms_services.issue_save(
        actor=officer, data={"title": "Data centre energy", "kind": "external",
                             "category": "climate"},
    )  # fmt: skip
    page = client_as(officer).get("/management-system/").content.decode()
    assert "Every AI system we run." in page and "Data centre energy" in page
    assert policy.reference in page
    page = client_as(owner).get("/management-system/").content.decode()
    assert "Every AI system we run." in page
    assert "Data centre energy" not in page  # owners do not read the context registers


def test_nobody_may_not_see_the_overview(client_as, nobody):
    assert client_as(nobody).get("/management-system/").status_code == 403


def test_scope_define_approve_and_history(client_as, officer, approver, owner, auditor):
    make_system(owner, name="Scoped system")
    client = client_as(officer)
    response = client.post(
        "/management-system/scope/edit/",
        {"statement": "", "owner": officer.pk},
    )
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    response = client.post(
        "/management-system/scope/edit/",
        {"statement": "All AI systems", "boundaries": "HQ", "owner": officer.pk},
    )
    assert response.status_code == 302
    # The officer made the change: approving it is refused with the reason.
    response = client.post("/management-system/scope/approve/")
    assert response.status_code == 403
    assert "someone else must approve" in response.content.decode()
    page = client_as(approver).get("/management-system/scope/").content.decode()
    assert 'id="systems-in-scope">1<' in page and "in_aims_scope=yes" in page
    assert client_as(approver).post("/management-system/scope/approve/").status_code == 302
    response = client_as(approver).post("/management-system/scope/approve/")
    assert response.status_code == 409 and "already approved" in response.content.decode()
    history = client_as(auditor).get("/management-system/scope/history/").content.decode()
    assert "Approved by" in history and "Scope of the AIMS defined" in history
    assert client_as(auditor).get("/management-system/scope/edit/").status_code == 403
    assert client_as(owner).post("/management-system/scope/approve/").status_code == 403


# --- Registers ------------------------------------------------------------------------------


def test_officer_creates_edits_and_deletes_a_party_with_confirmation(client_as, officer):
    client = client_as(officer)
    assert client.post("/management-system/interested-parties/new/",
                       party_data(category="martians")).status_code == 400  # fmt: skip
    response = client.post("/management-system/interested-parties/new/", party_data())
    assert response.status_code == 302
    party = InterestedParty.objects.get()
    assert party.owner == officer  # empty owner: the actor
    client.post(f"/management-system/interested-parties/{party.pk}/edit/",
                party_data(name="Retail customers", owner=officer.pk))  # fmt: skip
    party.refresh_from_db()
    assert party.name == "Retail customers"
    confirm = client.get(f"/management-system/interested-parties/{party.pk}/delete/")
    assert "Yes, remove it" in confirm.content.decode()
    assert InterestedParty.objects.exists()  # a GET removes nothing
    client.post(f"/management-system/interested-parties/{party.pk}/delete/", {"reason": "Dup"})
    assert not InterestedParty.objects.exists()


def test_auditor_reads_registers_but_writes_nothing(client_as, officer, auditor, owner):
    issue = ms_services.issue_save(
        actor=officer, data={"title": "New AI law", "kind": "external", "category": "legal"}
    )
    client = client_as(auditor)
    assert "New AI law" in client.get("/management-system/issues/").content.decode()
    assert client.get("/management-system/issues/new/").status_code == 403
    assert client.post(f"/management-system/issues/{issue.pk}/delete/").status_code == 403
    assert ContextIssue.objects.filter(pk=issue.pk).exists()
    assert client_as(owner).get("/management-system/issues/").status_code == 403


def test_register_search_and_filters(client_as, officer):
    for title, kind in (("Skills gap", "internal"), ("New AI law", "external")):
        ms_services.issue_save(
            actor=officer, data={"title": title, "kind": kind, "category": "other"}
        )
    client = client_as(officer)
    page = client.get("/management-system/issues/?kind=internal").content.decode()
    assert "Skills gap" in page and "New AI law" not in page
    page = client.get("/management-system/issues/?q=law").content.decode()
    assert "New AI law" in page and "Skills gap" not in page
    page = client.get("/management-system/issues/?q=nothing-like-this").content.decode()
    assert "No issue matches" in page


def test_register_lists_have_constant_queries(client_as, officer, django_assert_max_num_queries):
    client = client_as(officer)
    client.get("/management-system/interested-parties/")  # warm caches (content types...)
    for n in range(30):
        ms_services.party_save(
            actor=officer,
            data={"name": f"Party {n}", "category": "other", "requirements": "Something"},
        )
        ms_services.issue_save(
            actor=officer, data={"title": f"Issue {n}", "kind": "internal", "category": "other"}
        )
    for url, row in (
        ("/management-system/interested-parties/", "Party"),
        ("/management-system/issues/", "Issue"),
    ):
        with django_assert_max_num_queries(12):
            response = client.get(url)
        assert response.status_code == 200
        # The rows are rendered (a page of them), so the count is not of an empty list.
        shown = set(re.findall(rf">{row} (\d+)<", response.content.decode()))
        assert len(shown) >= 25, (url, shown)


# --- Policies -------------------------------------------------------------------------------


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_policy_workflow_in_the_browser(officer, approver, owner):
    client = logged_in(officer)
    response = client.post(
        "/management-system/policies/new/",
        {"title": "AI policy", "purpose": "", "owner": officer.pk, "review_interval_months": 12,
         "requires_acknowledgement": "on", "body": "Our rules for AI."},
    )  # fmt: skip
    assert response.status_code == 302
    version = PolicyVersion.objects.get()
    detail = f"/management-system/policies/{version.policy_id}/"
    page = client.get(detail).content.decode()
    assert "someone else approves it" in page and "Approve version 1" not in page
    response = client.post(f"/management-system/versions/{version.pk}/approve/")
    assert response.status_code == 403
    assert "someone else must approve" in response.content.decode()
    approver_client = logged_in(approver)
    assert "Approve version 1" in approver_client.get(detail).content.decode()
    assert (
        approver_client.post(f"/management-system/versions/{version.pk}/approve/").status_code
        == 302
    )
    # Publishing twice: the second is refused with the reason, not a crash.
    assert (
        approver_client.post(f"/management-system/versions/{version.pk}/publish/").status_code
        == 302
    )
    response = approver_client.post(f"/management-system/versions/{version.pk}/publish/")
    assert response.status_code == 409 and "Only approved versions" in response.content.decode()
    # Published versions cannot be edited.
    response = client.get(f"/management-system/versions/{version.pk}/edit/")
    assert response.status_code == 409 and "only drafts change" in response.content.decode()
    # The owner reads the policy but does not act on it.
    owner_client = logged_in(owner)
    page = owner_client.get(detail).content.decode()
    assert "Our rules for AI." in page and "Start a new version" not in page
    assert owner_client.post(f"/management-system/policies/{version.policy_id}/versions/new/",
                             {"body": "x"}).status_code == 403  # fmt: skip


def test_new_version_while_one_is_in_progress_is_refused(client_as, officer, policy):
    response = client_as(officer).post(
        f"/management-system/policies/{policy.pk}/versions/new/", {"body": "Another text"}
    )
    assert response.status_code == 409
    assert "still draft" in response.content.decode()
    assert policy.versions.count() == 1


def test_banner_and_acknowledgement_for_every_user(client_as, nobody, published_policy):
    client = client_as(nobody)
    page = client.get("/management-system/policies/to-acknowledge/").content.decode()
    assert "AI policy" in page and "pending-policies" in page
    read = client.get(f"/management-system/policies/{published_policy.pk}/read/")
    assert "Use AI with care." in read.content.decode()
    url = f"/management-system/policies/{published_policy.pk}/acknowledge/"
    response = client.post(url, follow=True)
    assert "you acknowledged" in response.content.decode()
    response = client.post(url, follow=True)  # a second time: a message, not an error
    assert response.status_code == 200 and "already acknowledged" in response.content.decode()
    page = client.get("/management-system/policies/to-acknowledge/").content.decode()
    assert "nothing-pending" in page


def test_acknowledging_an_unpublished_policy_says_why(client_as, owner, policy):
    response = client_as(owner).post(f"/management-system/policies/{policy.pk}/acknowledge/")
    assert response.status_code == 409
    assert "no published version" in response.content.decode()
    assert client_as(owner).get(f"/management-system/policies/{policy.pk}/read/").status_code == 404


def test_banner_context_is_one_query_and_renders(
    owner, published_policy, django_assert_num_queries
):
    from django.template.loader import render_to_string

    request = RequestFactory().get("/")
    request.user = owner
    context = policy_banner(request)
    with django_assert_num_queries(1):
        html = render_to_string("ms/_policy_banner.html", context)
        html += render_to_string("ms/_policy_banner.html", context)  # evaluated once
    assert "AI policy (v1)" in html and "policy-banner" in html
    assert "policies_to_acknowledge" in navigation(request)
    ms_services.policy_acknowledge(actor=owner, policy=published_policy)
    html = render_to_string("ms/_policy_banner.html", policy_banner(request))
    assert "policy-banner" not in html


def test_officer_sees_who_has_not_acknowledged(client_as, officer, owner, auditor,
                                               published_policy):  # fmt: skip
    ms_services.policy_acknowledge(actor=owner, policy=published_policy)
    url = f"/management-system/policies/{published_policy.pk}/acknowledgements/"
    page = client_as(officer).get(url).content.decode()
    missing = page.split('id="ack-missing"')[1].split("</ul>")[0]
    assert officer.username in missing and owner.username not in missing
    assert client_as(auditor).get(url).status_code == 200
    assert client_as(owner).get(url).status_code == 403


def test_policy_list_has_constant_queries(client_as, officer, approver,
                                          django_assert_max_num_queries):  # fmt: skip
    client = client_as(officer)
    client.get("/management-system/policies/")
    for n in range(12):
        policy = ms_services.policy_create(actor=officer, title=f"Policy {n}", body="Text")
        ms_services.version_approve(actor=approver, version=policy.versions.get())
    with django_assert_max_num_queries(12):
        page = client.get("/management-system/policies/").content.decode()
    assert "Policy 11" in page


# --- Objectives -----------------------------------------------------------------------------


def test_owner_records_progress_officer_edits(client_as, objective, owner, officer, other_owner):
    client = client_as(owner)
    detail = f"/management-system/objectives/{objective.pk}/"
    page = client.get(detail).content.decode()
    assert "Record progress" in page and 'id="objective-overdue"' in page
    assert client.get(f"{detail}edit/").status_code == 403
    response = client.post(f"{detail}progress/", {"value": "abc", "recorded_on": "2026-01-01"})
    assert response.status_code == 400
    today = timezone.localdate().isoformat()
    response = client.post(f"{detail}progress/", {"value": "25", "recorded_on": today})
    assert response.status_code == 302
    objective.refresh_from_db()
    assert objective.current_value == Decimal("25")
    assert "50%" in client.get(detail).content.decode()  # 40 -> 10, at 25
    assert client_as(other_owner).post(f"{detail}progress/", {"value": "1",
                                       "recorded_on": today}).status_code == 403  # fmt: skip
    response = client_as(officer).post(
        f"{detail}edit/",
        {"title": "Fewer complaints", "measure": "Complaints", "baseline": "40",
         "target_value": "10", "unit": "", "owner": owner.pk,
         "due_date": objective.due_date.isoformat(), "status": "at_risk"},
    )  # fmt: skip
    assert response.status_code == 302
    objective.refresh_from_db()
    assert objective.status == Objective.Status.AT_RISK


def test_objective_direction_error_is_a_form_error(client_as, officer):
    response = client_as(officer).post(
        "/management-system/objectives/new/",
        {"title": "X", "measure": "Y", "baseline": "50", "target_value": "40",
         "higher_is_better": "on", "owner": officer.pk, "due_date": "2027-01-01"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "target must be above the baseline" in response.content.decode()


def test_auditor_reads_objectives_only(client_as, auditor, objective, nobody):
    client = client_as(auditor)
    assert "Fewer complaints" in client.get("/management-system/objectives/").content.decode()
    assert client.get(f"/management-system/objectives/{objective.pk}/progress/").status_code == 403
    assert client.get("/management-system/objectives/new/").status_code == 403
    nobody_client = client_as(nobody)
    assert (
        "Fewer complaints"
        not in nobody_client.get("/management-system/objectives/").content.decode()
    )
    assert nobody_client.get(f"/management-system/objectives/{objective.pk}/").status_code == 404


def test_objective_list_has_constant_queries(client_as, officer, owner,
                                             django_assert_max_num_queries):  # fmt: skip
    client = client_as(officer)
    client.get("/management-system/objectives/")
    for n in range(30):
        ms_services.objective_create(
            actor=officer,
            data={"title": f"Objective {n}", "measure": "m", "target_value": Decimal(n + 1),
                  "owner": owner, "due_date": timezone.localdate()},
        )  # fmt: skip
    with django_assert_max_num_queries(10):
        page = client.get("/management-system/objectives/?overdue=").content.decode()
    assert "Objective 1" in page


def test_dashboard_panel(client_as, officer, objective, published_policy):
    page = client_as(officer).get("/").content.decode()
    assert 'id="ms-panel"' in page and "Fewer complaints" in page
    assert 'id="policy-ack-rates"' in page
