"""The decision page (issue 15, part 1): an approver reads the whole case — intake,
classification, tier requirements met and missing, risks above appetite, validation results,
impact assessment, conditions, decisions, history — and decides there; the refusal rules stay
in the service and a refusal is shown with its reason."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils.html import escape

from aims.people import display_name
from aims.roles import APPROVER, AUDITOR, OFFICER, OWNER
from inventory import services
from inventory.models import AISystem, Approval, ApprovalCondition
from tests.factories import make_risk, user_with_role
from tests.inventory.decision_case import RISK_TITLE, system_awaiting_release

pytestmark = pytest.mark.django_db

# The page reads a fixed number of tables whatever the number of records; the bound leaves
# room for the checks of the gate, not for a query per record.
MAX_QUERIES = 75


@pytest.fixture
def people():
    return {
        "officer": user_with_role(OFFICER, first_name="Olivia", last_name="Officer"),
        "approver": user_with_role(APPROVER, first_name="Ada", last_name="Approver"),
        "second": user_with_role(APPROVER, first_name="Bruno", last_name="Approver"),
        "owner": user_with_role(OWNER, first_name="Oscar", last_name="Owner"),
    }


def decide_url(system) -> str:
    return reverse("inventory:approval_decide", args=[system.pk])


def case_of(people, complete=True):
    return system_awaiting_release(
        officer=people["officer"],
        approver=people["approver"],
        owner=people["owner"],
        complete=complete,
    )


def test_the_page_holds_the_case(client, people):
    system = case_of(people, complete=False)
    client.force_login(people["second"])
    response = client.get(decide_url(system))
    assert response.status_code == 200
    page = response.content.decode()
    # The intake, in words.
    assert "Scores consumer loan applications." in page
    assert "Decides, with human review" in page
    assert escape(display_name(people["owner"])) in page
    assert "Human resources" in page
    # The classification and its reasoning and obligations.
    assert 'data-testid="case-eu-class">High-risk<' in page
    assert 'id="case-reasoning"' in page
    assert "Art. 4" in page
    # The tier's requirements, met and missing (the checklist the risk page shows).
    assert "Risk tier: High" in page
    assert "Met:</span> Bias validation passed" in page
    assert "Missing:</span> Impact assessment signed off" in page
    # The risk above appetite.
    assert RISK_TITLE in page and "Above appetite: acceptance needed" in page
    # The validation results of the round.
    assert "Bias on 2025 applications" in page and ">Pass<" in page
    # The earlier decision: who decided what, when.
    intake = Approval.objects.get(system=system, gate="intake")
    assert intake.reference in page
    assert escape(display_name(people["approver"])) in page
    assert "Worth building." in page
    # The recent history and the form.
    assert 'id="case-history-table"' in page
    assert 'id="decision-form"' in page
    # Words, not internals.
    assert "in_validation" not in page and "decides_with_review" not in page


def test_the_decision_is_recorded_from_the_page(client, people):
    system = case_of(people)
    client.force_login(people["second"])
    due = date.today() + timedelta(days=30)
    response = client.post(
        decide_url(system),
        {
            "decision": "approve_with_conditions",
            "conditions": "Report the refusal rate monthly",
            "conditions_due_on": due.isoformat(),
        },
        follow=True,
    )
    assert response.status_code == 200
    approval = Approval.objects.get(system=system, gate="release")
    assert approval.approver == people["second"]
    assert ApprovalCondition.objects.filter(approval=approval, status="open").count() == 1
    text = response.content.decode()
    assert (
        escape(
            f"Your decision on {system.reference} Loan scoring was recorded as "
            f"{approval.reference}: approve with conditions. The release gate has 1 of 2 "
            "approvals it needs."
        )
        in text
    )
    # The next approver reads the decision of the round, and its open condition.
    client.force_login(user_with_role(APPROVER))
    page = client.get(decide_url(system)).content.decode()
    assert "This round" in page and approval.reference in page
    assert "Report the refusal rate monthly" in page


def test_a_blocked_approval_is_refused_with_its_reason_and_nothing_changes(client, people):
    system = case_of(people, complete=False)
    client.force_login(people["second"])
    response = client.post(decide_url(system), {"decision": "approve"})
    assert response.status_code == 409
    assert "A signed-off impact assessment is missing." in response.content.decode()
    assert not Approval.objects.filter(system=system, gate="release").exists()


def test_an_approver_who_owns_the_system_reads_why_and_cannot_decide(client, people):
    owner = user_with_role(OWNER)
    owner.groups.add(*user_with_role(APPROVER).groups.all())
    system = system_awaiting_release(
        officer=people["officer"], approver=people["approver"], owner=owner
    )
    client.force_login(owner)
    page = client.get(decide_url(system))
    assert page.status_code == 200
    text = page.content.decode()
    assert "segregation of duties forbids deciding its gates" in text
    assert 'id="decision-form"' not in text

    before = AISystem.history.filter(id=system.pk).count()
    response = client.post(decide_url(system), {"decision": "approve", "comment": "Mine"})
    assert response.status_code == 403
    assert "segregation of duties" in response.content.decode()
    assert not Approval.objects.filter(system=system, gate="release").exists()
    assert AISystem.history.filter(id=system.pk).count() == before
    assert AISystem.objects.get(pk=system.pk).lifecycle_stage == "in_validation"


@pytest.mark.parametrize("role", [AUDITOR, OFFICER])
def test_who_does_not_approve_cannot_open_it(client, people, role):
    system = case_of(people)
    client.force_login(user_with_role(role))
    assert client.get(decide_url(system)).status_code == 403


def test_the_page_reads_a_bounded_number_of_queries(client, people, django_assert_max_num_queries):
    system = case_of(people, complete=False)
    client.force_login(people["second"])
    with django_assert_max_num_queries(MAX_QUERIES):
        assert client.get(decide_url(system)).status_code == 200
    # More risks, validations and decisions: the same bound.
    for n in range(4):
        make_risk(
            people["owner"],
            system,
            title=f"Extra risk {n}",
            inherent_likelihood=5,
            inherent_impact=5,
            residual_likelihood=4,
            residual_impact=4,
        )
        services.validation_record_create(
            actor=people["owner"],
            system=system,
            test_type="other",
            title=f"Extra test {n}",
            method="Spot checks",
            result="pass",
            performed_on=date.today(),
        )
    services.approval_decide(
        actor=user_with_role(APPROVER), system=system, decision="request_changes", comment="Fix"
    )
    services.system_transition(actor=people["owner"], system=system, action="resubmit")
    with django_assert_max_num_queries(MAX_QUERIES):
        page = client.get(decide_url(system))
    assert page.status_code == 200
    assert "Extra risk 3" in page.content.decode()


def test_review_and_condition_messages_name_the_record(client, people):
    system = case_of(people)
    record = services.validation_record_create(
        actor=people["owner"],
        system=system,
        test_type="safety",
        title="Red team",
        method="Prompt attacks",
        result="pass",
        performed_on=date.today(),
    )
    client.force_login(people["officer"])
    response = client.post(
        reverse("inventory:validation_review", args=[system.pk, record.pk]),
        {"note": "Reproduced"},
        follow=True,
    )
    assert (
        f"Review of {record.reference} Red team on {system.reference} Loan scoring confirmed "
        "by Olivia Officer." in response.content.decode()
    )
    approval = services.approval_decide(
        actor=people["second"],
        system=system,
        decision="approve_with_conditions",
        conditions="Report monthly",
        conditions_due_on=date.today() + timedelta(days=9),
    )
    condition = ApprovalCondition.objects.get(approval=approval)
    client.force_login(people["owner"])
    response = client.post(
        reverse("inventory:condition_met", args=[system.pk, condition.pk]),
        {"note": "First report sent"},
        follow=True,
    )
    assert (
        f"Condition {condition.reference} on {system.reference} Loan scoring is now met."
        in response.content.decode()
    )
