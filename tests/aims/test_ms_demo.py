"""The management-system demo data: loaded through the services, idempotent, and showing
each state a visitor should see (a published policy with a draft, an overdue objective...)."""

from io import StringIO

import pytest

from aims.models import (
    AIMSScope,
    ContextIssue,
    InterestedParty,
    Objective,
    ObjectiveUpdate,
    Policy,
    PolicyAcknowledgement,
    PolicyVersion,
)
from aims.ms import demo as demo_ms
from aims.roles import APPROVER, AUDITOR, OFFICER, OWNER

from ..factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_users(db):
    roles = {"officer": OFFICER, "approver": APPROVER, "approver2": APPROVER, "owner": OWNER,
             "owner2": OWNER, "auditor": AUDITOR}  # fmt: skip
    return {name: user_with_role(role, username=name) for name, role in roles.items()}


def counts() -> tuple[int, ...]:
    models = (AIMSScope, InterestedParty, ContextIssue, Policy, PolicyVersion,
              PolicyAcknowledgement, Objective, ObjectiveUpdate)  # fmt: skip
    return tuple(m.objects.count() for m in models)


def test_demo_is_complete_and_idempotent(demo_users):
    demo_ms.load(stdout=StringIO())
    first = counts()
    assert first == (1, 5, 6, 1, 2, 2, 4, 5)
    demo_ms.load(stdout=StringIO())
    assert counts() == first
    scope = AIMSScope.objects.get()
    assert scope.approved_by == demo_users["approver"]
    assert ContextIssue.objects.filter(category="climate").exists()
    statuses = dict(PolicyVersion.objects.values_list("number", "status"))
    assert statuses == {1: "published", 2: "draft"}
    overdue = Objective.objects.get(title="Fewer complaints about AI answers")
    assert overdue.status == "at_risk" and overdue.current_value == 24
    # Every demo row names the person who acted.
    assert not AIMSScope.history.filter(history_user=None).exists()
    assert not PolicyVersion.history.filter(history_user=None).exists()


def test_demo_without_users_loads_nothing(db):
    out = StringIO()
    demo_ms.load(stdout=out)
    assert "demo users missing" in out.getvalue() and counts() == (0,) * 8
