"""Mapping rules: proposals count for nothing until reviewed; a review records who and when;
the proposer cannot review their own mapping; refused decisions leave history unchanged."""

import pytest
from django.core.exceptions import ValidationError

from aims.errors import RuleForbidden, TransitionNotAllowed
from audits.iso27001 import services
from audits.models import CatalogueItem, ControlMapping

from .helpers import control, suggestion

pytestmark = pytest.mark.django_db


def propose(actor, control_code="8.16", item_code="A.9.2", **extra):
    return services.mapping_create(
        actor=actor,
        security_control=control(control_code),
        item=CatalogueItem.objects.get(code=item_code),
        rationale=extra.pop("rationale", "Monitoring shows responsible use."),
        source=extra.pop("source", ControlMapping.Source.OWN_ANALYSIS),
        **extra,
    )


def test_a_review_records_who_and_when_with_history(officer):
    mapping = suggestion("8.15", "A.6.2.8")
    reviewed = services.mapping_review(actor=officer, mapping=mapping, note="Checked with IT")
    reviewed.refresh_from_db()
    assert reviewed.status == "reviewed"
    assert reviewed.reviewed_by == officer and reviewed.reviewed_at is not None
    assert reviewed.decision_note == "Checked with IT"
    row = reviewed.history.latest()
    assert row.history_user == officer and row.history_change_reason == "Mapping reviewed"


def test_a_second_review_is_refused_and_leaves_history_unchanged(officer, officer2):
    mapping = services.mapping_review(actor=officer, mapping=suggestion("8.15", "A.6.2.8"))
    rows = mapping.history.count()
    with pytest.raises(TransitionNotAllowed) as refused:
        services.mapping_review(actor=officer2, mapping=mapping)
    assert refused.value.status_code == 409 and refused.value.code == "mapping_decided"
    assert "already reviewed by" in refused.value.message
    mapping.refresh_from_db()
    assert mapping.history.count() == rows and mapping.reviewed_by == officer


def test_the_proposer_cannot_review_their_own_mapping(officer, officer2):
    mapping = propose(officer)
    assert mapping.proposed_by == officer and mapping.status == "proposed"
    refusal = services.review_refusal(actor=officer, mapping=mapping)
    assert isinstance(refusal, RuleForbidden) and refusal.code == "segregation_of_duties"
    with pytest.raises(RuleForbidden):
        services.mapping_review(actor=officer, mapping=mapping)
    assert services.mapping_review(actor=officer2, mapping=mapping).reviewed_by == officer2


def test_only_officers_decide(auditor, approver, owner):
    mapping = suggestion("8.15", "A.6.2.8")
    for user in (auditor, approver, owner):
        with pytest.raises(RuleForbidden):
            services.mapping_review(actor=user, mapping=mapping)
        with pytest.raises(RuleForbidden):
            services.mapping_reject(actor=user, mapping=mapping, reason="no")
    assert ControlMapping.objects.get(pk=mapping.pk).status == "proposed"


def test_reject_needs_a_reason_and_is_final(officer):
    mapping = suggestion("5.19", "A.10.3")
    with pytest.raises(ValidationError) as invalid:
        services.mapping_reject(actor=officer, mapping=mapping, reason="  ")
    assert "reason" in invalid.value.message_dict
    rejected = services.mapping_reject(actor=officer, mapping=mapping, reason="Not our suppliers")
    assert rejected.status == "rejected" and rejected.reviewed_by == officer
    with pytest.raises(TransitionNotAllowed):
        services.mapping_reject(actor=officer, mapping=rejected, reason="again")
    with pytest.raises(TransitionNotAllowed):
        services.mapping_review(actor=officer, mapping=rejected)


def test_a_reviewed_mapping_can_be_withdrawn(officer):
    mapping = services.mapping_review(actor=officer, mapping=suggestion("8.15", "A.6.2.8"))
    withdrawn = services.mapping_reject(actor=officer, mapping=mapping, reason="Logs moved")
    assert withdrawn.status == "rejected"


def test_a_duplicate_pair_is_refused_with_a_field_error_until_rejected(officer):
    with pytest.raises(ValidationError) as duplicate:
        propose(officer, "8.15", "A.6.2.8")
    assert "already mapped to A.6.2.8" in duplicate.value.message_dict["item"][0]
    services.mapping_reject(
        actor=officer, mapping=suggestion("8.15", "A.6.2.8"), reason="Replace it"
    )
    again = propose(officer, "8.15", "A.6.2.8")
    assert again.status == "proposed"


def test_bad_input_is_refused_with_field_errors(officer):
    with pytest.raises(ValidationError) as no_document:
        propose(officer, source=ControlMapping.Source.DOCUMENT, source_detail="")
    assert "source_detail" in no_document.value.message_dict
    with pytest.raises(ValidationError) as heading:
        propose(officer, item_code="A.10")
    assert "heading" in heading.value.message_dict["item"][0]
    with pytest.raises(ValidationError) as suggested:
        propose(officer, source=ControlMapping.Source.SUGGESTED)
    assert "source" in suggested.value.message_dict
