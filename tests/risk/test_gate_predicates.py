"""The gates tab, the Decide buttons and the decision form follow the service's own rules:
the number of approvals shown is the one the service requires (two for the high tier), and
an approver who has decided this round is not offered the form again."""

import pytest
from django.urls import reverse

from inventory import services as inventory_services

from .test_services import _to_validation

pytestmark = pytest.mark.django_db


@pytest.fixture
def high_in_validation(officer, approver, owner, system, complete_high_risk):
    complete_high_risk()
    _to_validation(officer, approver, owner, system)
    system.refresh_from_db()
    return system


def test_the_gates_tab_shows_the_approvals_the_service_requires(
    client_as, approver, approver2, high_in_validation
):
    system = high_in_validation
    url = reverse("inventory:system_tab", args=[system.pk, "gates"])
    before = client_as(approver).get(url).content.decode()
    assert 'needs <span id="approvals-required">2</span> approvals' in before
    assert 'has <span id="approvals-recorded">0</span>' in before
    assert "Record your decision" in before
    inventory_services.approval_decide(actor=approver, system=system, decision="approve")
    after = client_as(approver).get(url).content.decode()
    assert 'has <span id="approvals-recorded">1</span>' in after
    assert "Record your decision" not in after  # this approver has decided this round
    assert "Record your decision" in client_as(approver2).get(url).content.decode()


def test_the_decision_form_is_not_offered_twice(client_as, approver, high_in_validation):
    system = high_in_validation
    inventory_services.approval_decide(actor=approver, system=system, decision="approve")
    response = client_as(approver).get(reverse("inventory:approval_decide", args=[system.pk]))
    # The decision page still shows the case, with the reason instead of the form.
    assert "You have already decided this round of the gate." in response.content.decode()
    assert 'id="decision-form"' not in response.content.decode()
    posted = client_as(approver).post(
        reverse("inventory:approval_decide", args=[system.pk]), {"decision": "approve"}
    )
    assert posted.status_code == 409


def test_the_predicate_and_the_service_agree(approver, approver2, owner, high_in_validation):
    system = high_in_validation
    assert inventory_services.can_decide_gate(approver, system)
    assert not inventory_services.can_decide_gate(owner, system)
    inventory_services.approval_decide(actor=approver, system=system, decision="approve")
    system.refresh_from_db()
    refusal = inventory_services.gate_decision_refusal(approver, system)
    assert refusal is not None and refusal.code == "already_decided"
    assert inventory_services.gate_progress(system)["approvals"] == 1
    assert inventory_services.can_decide_gate(approver2, system)
