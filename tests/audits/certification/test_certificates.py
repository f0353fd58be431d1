"""Certificates: the rules of recording one, the cycle it plans (surveillance yearly,
recertification before expiry), renewal superseding the previous certificate, and the
suspend / reinstate / withdraw transitions."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError

from aims.errors import RuleForbidden, TransitionNotAllowed
from aims.reminders.sources import sources_by_kind
from audits.certification import services
from audits.certification.models import Certificate, ExternalAudit

from .audit_helpers import TODAY, body, certificate, certified, completed, plan

pytestmark = pytest.mark.django_db
Kind = ExternalAudit.Kind


def test_add_months_clamps_to_the_end_of_a_short_month():
    assert services.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert services.add_months(date(2026, 5, 15), -3) == date(2026, 2, 15)
    assert services.add_months(date(2026, 11, 30), 14) == date(2028, 1, 30)


def test_recording_a_certificate_plans_its_cycle(officer):
    issued = date(2026, 3, 10)
    cert = certified(officer, issued=issued)
    assert cert.reference.startswith("CERT-")
    assert cert.expires_on == date(2029, 3, 10)
    cycle = list(cert.audits.order_by("start_date").values_list("kind", "start_date", "status"))
    assert cycle == [
        (Kind.SURVEILLANCE, date(2027, 3, 10), "planned"),
        (Kind.SURVEILLANCE, date(2028, 3, 10), "planned"),
        (Kind.RECERTIFICATION, date(2028, 12, 10), "planned"),
    ]
    planned = cert.audits.first()
    assert planned.body == cert.body and planned.scope == cert.scope
    assert planned.history.get().history_change_reason == (
        f"Planned by the certification cycle of {cert.reference}"
    )


def test_the_planned_cycle_dates_stay_editable(officer):
    cert = certified(officer)
    audit = cert.audits.filter(kind=Kind.SURVEILLANCE).order_by("start_date").first()
    moved = audit.start_date + timedelta(days=14)
    services.audit_save(actor=officer, audit=audit, data={"start_date": moved, "end_date": moved})
    audit.refresh_from_db()
    assert audit.start_date == moved


def test_a_renewal_supersedes_the_previous_certificate(officer):
    first = certified(officer, issued=TODAY - timedelta(days=1000))
    recert = first.audits.get(kind=Kind.RECERTIFICATION)
    leftover = first.audits.filter(kind=Kind.SURVEILLANCE).order_by("start_date").last()
    completed(officer, recert)
    renewed = certificate(officer, recert, number="AIMS-0002", issued=TODAY)
    first.refresh_from_db()
    leftover.refresh_from_db()
    assert first.status == Certificate.Status.SUPERSEDED
    assert first.history.first().history_change_reason.startswith(
        f"Superseded by {renewed.reference}"
    )
    assert leftover.status == ExternalAudit.Status.CANCELLED  # the old cycle is over
    assert renewed.status == Certificate.Status.ACTIVE
    assert renewed.audits.filter(status="planned").count() == 3


def test_a_certificate_number_is_unique(officer):
    cert = certified(officer)
    audit = completed(officer, plan(officer, cert.body))
    with pytest.raises(ValidationError) as err:
        certificate(officer, audit, number=cert.number.lower())
    assert err.value.message_dict["number"] == [
        f"A certificate numbered {cert.number.lower()} is already recorded."
    ]
    assert Certificate.objects.count() == 1


def test_a_certificate_expires_after_its_issue(officer):
    audit = completed(officer, plan(officer, body(officer)))
    with pytest.raises(ValidationError) as err:
        services.certificate_record(
            actor=officer,
            data={
                "number": "X-1",
                "body": audit.body,
                "scope": "All",
                "issued_on": TODAY,
                "expires_on": TODAY - timedelta(days=1),
                "issuing_audit": audit,
            },
        )
    assert "expires_on" in err.value.message_dict
    assert not Certificate.objects.exists()
    assert not ExternalAudit.objects.filter(kind=Kind.SURVEILLANCE).exists()


@pytest.mark.parametrize(
    "kind,outcome,finish",
    [
        ("stage2", "not_recommended", True),
        ("stage1", "ready_for_stage2", True),
        ("stage2", "", False),
    ],
)
def test_a_certificate_needs_a_recommending_stage_2_or_recertification(
    officer, kind, outcome, finish
):
    audit = plan(officer, body(officer), kind)
    if finish:
        completed(officer, audit, outcome)
    with pytest.raises(ValidationError) as err:
        certificate(officer, audit)
    assert "issuing_audit" in err.value.message_dict
    assert not Certificate.objects.exists()


def test_one_certificate_per_issuing_audit(officer):
    cert = certified(officer)
    with pytest.raises(ValidationError) as err:
        certificate(officer, cert.issuing_audit, number="OTHER")
    assert "already recorded" in err.value.message_dict["issuing_audit"][0]


def test_the_certificate_is_the_issuing_bodys(officer):
    audit = completed(officer, plan(officer, body(officer)))
    other = body(officer, "Other body")
    with pytest.raises(ValidationError) as err:
        services.certificate_record(
            actor=officer,
            data={
                "number": "X-2",
                "body": other,
                "scope": "All",
                "issued_on": TODAY,
                "expires_on": TODAY + timedelta(days=1000),
                "issuing_audit": audit,
            },
        )
    assert "body" in err.value.message_dict


def test_suspend_reinstate_withdraw_with_reasons(officer):
    cert = certified(officer)
    cert = services.certificate_transition(
        actor=officer, certificate=cert, action="suspend", reason="Major NC not closed"
    )
    assert cert.status == Certificate.Status.SUSPENDED
    cert = services.certificate_transition(
        actor=officer, certificate=cert, action="reinstate", reason="Closed"
    )
    assert cert.status == Certificate.Status.ACTIVE
    cert = services.certificate_transition(
        actor=officer, certificate=cert, action="withdraw", reason="Left the scheme"
    )
    assert cert.status == Certificate.Status.WITHDRAWN
    assert not cert.audits.filter(status="planned").exists()
    assert cert.history.first().history_change_reason == "Withdraw: Left the scheme"


def test_refused_certificate_transitions_change_nothing(officer, auditor):
    cert = certified(officer)
    before = cert.history.count()
    with pytest.raises(TransitionNotAllowed) as err:
        services.certificate_transition(
            actor=officer, certificate=cert, action="reinstate", reason="x"
        )
    assert "active" in err.value.message
    with pytest.raises(ValidationError):
        services.certificate_transition(actor=officer, certificate=cert, action="suspend")
    with pytest.raises(RuleForbidden):
        services.certificate_transition(
            actor=auditor, certificate=cert, action="suspend", reason="x"
        )
    cert.refresh_from_db()
    assert cert.status == Certificate.Status.ACTIVE
    assert cert.history.count() == before


def test_no_surveillance_is_planned_for_a_withdrawn_certificate(officer):
    cert = certified(officer)
    services.certificate_transition(
        actor=officer, certificate=cert, action="withdraw", reason="Ended"
    )
    cert.refresh_from_db()
    with pytest.raises(ValidationError) as err:
        plan(officer, cert.body, "surveillance", certificate=cert)
    assert "withdrawn" in err.value.message_dict["certificate"][0]


def test_reminders_announce_the_next_audit_and_the_expiry(officer):
    cert = certified(officer, issued=TODAY - timedelta(days=365 * 3 - 30))
    sources = sources_by_kind()
    audits = list(sources["external-audit"].collect(TODAY, 30))
    expiring = list(sources["certificate-expiry"].collect(TODAY, 180))
    assert [d.recipient_id for d in expiring] == [officer.pk]
    assert expiring[0].due_date == cert.expires_on
    assert all(d.recipient_id == officer.pk for d in audits)
    planned = {str(pk) for pk in cert.audits.filter(status="planned").values_list("pk", flat=True)}
    assert audits and {d.key for d in audits} <= planned
