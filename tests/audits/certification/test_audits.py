"""External audits: planning rules (dates, the certificate a surveillance names, the stage 2
warning), the explicit transitions and their refusals, and the readiness check."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError

from aims.errors import RuleForbidden, TransitionNotAllowed
from audits.certification import selectors, services
from audits.certification.models import CertificationBody, ExternalAudit
from audits.internal_audits import services as ia_services
from audits.models import InternalAudit, ManagementReview
from audits.reviews import services as reviews

from ..test_internal_audits import catalogue_item
from .audit_helpers import TODAY, body, certified, completed, plan

pytestmark = pytest.mark.django_db


def history_count(record) -> int:
    return record.history.count()


# --- Bodies ---------------------------------------------------------------------------------


def test_a_body_is_recorded_with_history_naming_the_officer(officer):
    cb = body(officer)
    assert cb.reference.startswith("CB-")
    row = cb.history.get()
    assert row.history_user == officer
    assert row.history_change_reason == "Certification body recorded"


def test_a_body_name_is_unique(officer):
    body(officer, "Same")
    with pytest.raises(ValidationError) as err:
        body(officer, "Same")
    assert "name" in err.value.message_dict
    assert CertificationBody.objects.count() == 1


def test_only_officers_record_bodies(owner, auditor, approver):
    for user in (owner, auditor, approver):
        with pytest.raises(RuleForbidden):
            body(user)
    assert not CertificationBody.objects.exists()


# --- Planning -------------------------------------------------------------------------------


def test_dates_in_the_wrong_order_are_a_field_error(officer):
    cb = body(officer)
    with pytest.raises(ValidationError) as err:
        services.audit_save(
            actor=officer,
            audit=ExternalAudit(),
            data={
                "body": cb,
                "kind": "stage1",
                "start_date": TODAY,
                "end_date": TODAY - timedelta(days=1),
                "scope": "All",
            },
        )
    assert err.value.message_dict["end_date"] == ["The audit cannot end before it starts."]
    assert not ExternalAudit.objects.exists()


def test_missing_fields_are_field_errors(officer):
    cb = body(officer)
    with pytest.raises(ValidationError) as err:
        services.audit_save(actor=officer, audit=ExternalAudit(), data={"body": cb})
    assert {"kind", "start_date", "end_date", "scope"} <= set(err.value.message_dict)


def test_a_half_given_period_is_refused(officer):
    with pytest.raises(ValidationError) as err:
        plan(officer, body(officer), period_start=TODAY - timedelta(days=300))
    assert "period_end" in err.value.message_dict


def test_a_surveillance_audit_names_a_certificate(officer):
    cb = body(officer)
    with pytest.raises(ValidationError) as err:
        plan(officer, cb, "surveillance")
    assert "certificate" in err.value.message_dict
    assert not ExternalAudit.objects.exists()


def test_a_stage_audit_names_no_certificate(officer):
    cert = certified(officer)
    with pytest.raises(ValidationError) as err:
        plan(officer, cert.body, "stage2", certificate=cert)
    assert "before the certificate" in err.value.message_dict["certificate"][0]


def test_a_surveillance_audit_is_by_the_body_that_issued_the_certificate(officer):
    cert = certified(officer)
    other = body(officer, "Other body")
    with pytest.raises(ValidationError) as err:
        plan(officer, other, "surveillance", certificate=cert)
    assert "body" in err.value.message_dict


def test_a_stage_2_without_a_completed_stage_1_is_planned_with_a_warning(officer):
    cb = body(officer)
    stage2 = plan(officer, cb, "stage2")
    assert "stage 1" in services.stage2_warning(stage2)
    stage1 = plan(officer, cb, "stage1", start=TODAY - timedelta(days=30))
    completed(officer, stage1, "ready_for_stage2")
    assert services.stage2_warning(stage2) is None


def test_sampled_systems_are_kept_with_history(officer, system):
    audit = plan(officer, body(officer), sampled_systems=[system])
    assert list(audit.sampled_systems.all()) == [system]
    assert audit.history.count() >= 1


# --- Transitions ----------------------------------------------------------------------------


def test_start_complete_records_outcome_notes_and_history(officer):
    audit = plan(officer, body(officer))
    audit = completed(officer, audit, "recommended")
    assert audit.status == ExternalAudit.Status.COMPLETED
    assert audit.outcome == ExternalAudit.Outcome.RECOMMENDED
    assert audit.outcome_notes == "Well run"
    assert audit.completed_at is not None
    reasons = list(audit.history.values_list("history_change_reason", flat=True))
    assert "Completed: Certification recommended or maintained" in reasons
    assert "Start the audit" in reasons


def test_complete_needs_an_outcome_the_kind_allows_and_changes_nothing(officer):
    audit = plan(officer, body(officer), "stage1")
    services.audit_transition(actor=officer, audit=audit, action="start")
    before = history_count(audit)
    with pytest.raises(ValidationError) as err:
        services.audit_transition(
            actor=officer, audit=audit, action="complete", outcome="recommended"
        )
    assert "outcome" in err.value.message_dict
    audit.refresh_from_db()
    assert audit.status == ExternalAudit.Status.IN_PROGRESS
    assert history_count(audit) == before


def test_complete_while_planned_is_refused_with_the_reason(officer):
    audit = plan(officer, body(officer))
    before = history_count(audit)
    assert services.audit_transition_refusal(audit, "complete")
    with pytest.raises(TransitionNotAllowed) as err:
        services.audit_transition(
            actor=officer, audit=audit, action="complete", outcome="recommended"
        )
    assert "planned" in err.value.message
    assert err.value.status_code == 409
    audit.refresh_from_db()
    assert audit.status == ExternalAudit.Status.PLANNED
    assert history_count(audit) == before


def test_a_completed_audit_cannot_be_edited_or_cancelled(officer):
    audit = completed(officer, plan(officer, body(officer)))
    before = history_count(audit)
    with pytest.raises(TransitionNotAllowed) as err:
        services.audit_save(actor=officer, audit=audit, data={"title": "Changed"})
    assert err.value.code == "external_audit_closed"
    with pytest.raises(TransitionNotAllowed):
        services.audit_transition(actor=officer, audit=audit, action="cancel", notes="x")
    audit.refresh_from_db()
    assert audit.title == "" and history_count(audit) == before


def test_cancel_needs_a_reason(officer):
    audit = plan(officer, body(officer))
    with pytest.raises(ValidationError):
        services.audit_transition(actor=officer, audit=audit, action="cancel")
    audit = services.audit_transition(
        actor=officer, audit=audit, action="cancel", notes="Body moved the date"
    )
    assert audit.status == ExternalAudit.Status.CANCELLED
    assert audit.history.first().history_change_reason == "Cancelled: Body moved the date"


def test_an_unknown_action_is_refused(officer):
    audit = plan(officer, body(officer))
    with pytest.raises(TransitionNotAllowed) as err:
        services.audit_transition(actor=officer, audit=audit, action="teleport")
    assert err.value.code == "unknown_action"


def test_auditors_and_owners_cannot_move_an_audit(officer, auditor, owner):
    audit = plan(officer, body(officer))
    for user in (auditor, owner):
        with pytest.raises(RuleForbidden):
            services.audit_transition(actor=user, audit=audit, action="start")
    audit.refresh_from_db()
    assert audit.status == ExternalAudit.Status.PLANNED


# --- Readiness ------------------------------------------------------------------------------


def test_readiness_warns_when_no_internal_audit_or_review_is_recorded(officer):
    audit = plan(officer, body(officer))
    check = selectors.audit_readiness(audit, user=officer)
    assert check.last_internal_audit.last is None
    assert check.last_internal_audit.warning == "No internal audit is recorded."
    assert check.last_management_review.warning == "No management review is recorded."
    assert "No internal audit is recorded." in check.warnings
    assert check.gap_count >= 0 and len(check.top_gaps) <= selectors.TOP_GAPS
    assert check.open_external_findings == 0


def test_readiness_reads_the_last_review_and_flags_it_when_over_a_year_old(officer):
    audit = plan(officer, body(officer))
    review = reviews.review_create(
        actor=officer,
        title="Old review",
        meeting_date=TODAY - timedelta(days=500),
        chair=officer,
    )
    reviews.review_record(actor=officer, review=review, decisions="Decided")
    check = selectors.audit_readiness(audit, user=officer)
    assert check.last_management_review.last == TODAY - timedelta(days=500)
    assert "more than 12 months" in check.last_management_review.warning
    recent = reviews.review_create(
        actor=officer, title="Recent review", meeting_date=TODAY, chair=officer
    )
    reviews.review_record(actor=officer, review=recent, decisions="Decided")
    check = selectors.audit_readiness(audit, user=officer)
    assert check.last_management_review.last == TODAY
    assert check.last_management_review.warning == ""
    assert ManagementReview.objects.count() == 2


def test_readiness_reads_the_last_closed_internal_audit(officer, approver):
    control = catalogue_item("X.7", "Test control")
    internal = ia_services.audit_save(
        actor=officer,
        audit=InternalAudit(),
        data={
            "title": "Internal",
            "scope": "All",
            "lead_auditor": approver,
            "planned_start": TODAY - timedelta(days=10),
            "planned_end": TODAY - timedelta(days=5),
            "controls": [control],
        },
    )
    InternalAudit.objects.filter(pk=internal.pk).update(
        status=InternalAudit.Status.CLOSED, closed_at=internal.created_at
    )
    check = selectors.audit_readiness(plan(officer, body(officer)), user=officer)
    assert check.last_internal_audit.last == TODAY
    assert check.last_internal_audit.warning == ""


def test_readiness_counts_the_same_gaps_as_the_gap_list(officer):
    from audits.soa.gaps import gap_list

    check = selectors.audit_readiness(plan(officer, body(officer)), user=officer)
    gaps = gap_list(user=officer)
    assert check.gap_count == len(gaps)
    assert [g.record for g in check.top_gaps] == [g.record for g in gaps[: selectors.TOP_GAPS]]
