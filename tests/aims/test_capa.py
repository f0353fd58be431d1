"""Corrective actions: creation on a source, transitions, and independent verification."""

import pytest
from django.core.exceptions import ValidationError

from aims.capa import selectors as capa_selectors
from aims.capa import services as capa_services
from aims.errors import RuleForbidden, TransitionNotAllowed
from aims.models import CorrectiveAction, Notification
from incidents import services as incident_services

from ..factories import make_system
from ..incidents.conftest import open_capa

pytestmark = pytest.mark.django_db
Status = CorrectiveAction.Status


@pytest.fixture
def incident(owner, system):
    return incident_services.incident_report(
        actor=owner,
        system=system,
        title="Biased ranking",
        description="Older applicants ranked lower",
        detection_channel="audit",
        category="bias",
        severity="sev2",
    )


def implemented(actor, capa):
    capa = capa_services.capa_transition(actor=actor, capa=capa, action="start")
    return capa_services.capa_transition(actor=actor, capa=capa, action="implement")


def test_create_links_the_source_and_tells_the_assignee(officer, owner, incident):
    capa = open_capa(officer, incident, owner=owner)
    assert capa.reference == f"CAPA-{capa.pk:04d}"
    assert capa.source == incident and capa.status == Status.OPEN
    assert Notification.objects.filter(recipient=owner, title__contains=capa.reference).exists()
    assert capa.history.first().history_user == officer


@pytest.mark.parametrize("who", ["approver", "auditor", "other_owner", "nobody"])
def test_only_who_may_change_the_source_opens_one(request, incident, who):
    with pytest.raises(RuleForbidden):
        open_capa(request.getfixturevalue(who), incident)


def test_verification_by_someone_other_than_the_owner(officer, incident):
    capa = implemented(officer, open_capa(officer, incident))  # the officer owns it
    with pytest.raises(RuleForbidden) as exc:
        capa_services.capa_verify(
            actor=officer, capa=capa, effective=True, notes="ok", evidence_url="https://x.org/r"
        )
    assert exc.value.code == "segregation_of_duties"


def test_close_only_after_verification_with_evidence(owner, officer, incident):
    capa = open_capa(owner, incident)
    with pytest.raises(TransitionNotAllowed):
        capa_services.capa_transition(actor=owner, capa=capa, action="close")
    capa = implemented(owner, capa)
    with pytest.raises(TransitionNotAllowed) as exc:
        capa_services.capa_transition(actor=owner, capa=capa, action="close")
    assert "verified" in exc.value.message
    with pytest.raises(ValidationError) as no_evidence:
        capa_services.capa_verify(actor=officer, capa=capa, effective=True, notes="Re-ran tests")
    assert "evidence_url" in no_evidence.value.message_dict
    capa = capa_services.capa_verify(
        actor=officer,
        capa=capa,
        effective=True,
        notes="Re-ran the bias test: parity within 2%",
        evidence_url="https://example.org/bias-report",
    )
    assert capa.status == Status.VERIFIED and capa.verified_by == officer
    assert capa.evidence.count() == 1
    capa = capa_services.capa_transition(actor=owner, capa=capa, action="close")
    assert capa.status == Status.CLOSED and capa.closed_at


def test_ineffective_goes_back_to_work(owner, officer, incident):
    capa = implemented(owner, open_capa(owner, incident))
    capa = capa_services.capa_verify(
        actor=officer, capa=capa, effective=False, notes="Still biased"
    )
    assert capa.status == Status.IN_PROGRESS and capa.implemented_at is None


def test_officers_and_approvers_verify_others_do_not(owner, approver, auditor, incident):
    """Approvers hold the verifier permission (issue 13, part 7): the auditor and system
    owners still do not."""
    capa = implemented(owner, open_capa(owner, incident))
    for who in (auditor, owner):
        with pytest.raises(RuleForbidden):
            capa_services.capa_verify(actor=who, capa=capa, effective=False, notes="x")
    capa = capa_services.capa_verify(actor=approver, capa=capa, effective=False, notes="x")
    assert capa.verified_by == approver and capa.status == Status.IN_PROGRESS


def test_visibility_follows_the_source(owner, other_owner, auditor, officer, incident):
    capa = open_capa(officer, incident)
    make_system(other_owner, name="Other")
    assert list(capa_selectors.capa_list(user=owner)) == [capa]
    assert list(capa_selectors.capa_list(user=auditor)) == [capa]
    assert list(capa_selectors.capa_list(user=other_owner)) == []
    assigned = open_capa(officer, incident, owner=other_owner)
    assert list(capa_selectors.capa_list(user=other_owner)) == [assigned]


def test_the_verify_button_follows_the_services_rule(client_as, officer, owner, incident):
    """The detail page offers Verify exactly when the service would accept it."""
    from django.urls import reverse

    mine = implemented(officer, open_capa(officer, incident))  # owned by the officer
    theirs = implemented(owner, open_capa(officer, incident, owner=owner))
    for capa, offered in ((mine, False), (theirs, True)):
        page = client_as(officer).get(reverse("capa:capa_detail", args=[capa.pk]))
        assert ("Verify effectiveness" in page.content.decode()) is offered
        assert capa_services.can_verify(officer, capa) is offered
    refused = client_as(officer).get(reverse("capa:capa_verify", args=[mine.pk]))
    assert refused.status_code == 403
