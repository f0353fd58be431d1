"""Readiness counts the in-date evidence of an implemented 27001 control for the 42001 items a
*reviewed* mapping links it to, and names where it came from; nothing changes otherwise."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audits.iso27001 import services
from audits.iso27001.selectors import supporting_security_evidence
from audits.soa.gaps import gap_list
from audits.soa.readiness import readiness, readiness_of

from .helpers import attach, implement, make_42001_ready_but_evidence, statement, suggestion

pytestmark = pytest.mark.django_db

ITEM = "A.6.2.8"


def state(code=ITEM):
    s = statement(code)
    return readiness_of([s])[s.pk]


@pytest.fixture
def prepared(officer):
    """42001 A.6.2.8 has an owner and is implemented; 27001 8.15 is implemented with in-date
    evidence; the suggested mapping between them is not reviewed yet."""
    make_42001_ready_but_evidence(officer, ITEM)
    implement(officer, "8.15")
    attach(officer, "8.15")
    return suggestion("8.15", ITEM)


def test_unreviewed_mapping_counts_for_nothing_then_the_review_makes_it_ready(officer, prepared):
    assert not state().has_evidence and not state().ready
    gaps = {(g.kind, g.record) for g in gap_list(user=officer)}
    assert ("implemented_without_evidence", ITEM) in gaps

    mapping = services.mapping_review(actor=officer, mapping=prepared)

    after = state()
    assert after.has_evidence and after.ready
    (support,) = after.security_support
    assert support.control_code == "8.15" and support.mapping_id == mapping.pk
    assert str(support).startswith("evidence from ISO/IEC 27001 8.15 via a mapping reviewed by")
    assert f"on {timezone.localtime(mapping.reviewed_at):%d %b %Y}" in str(support)
    assert ITEM not in {g.record for g in gap_list(user=officer)}
    assert readiness().ready == 1 and readiness().with_security_evidence == 1


def test_rejected_mapping_counts_for_nothing(officer, prepared):
    mapping = services.mapping_review(actor=officer, mapping=prepared)
    services.mapping_reject(actor=officer, mapping=mapping, reason="Wrong logs")
    assert not state().has_evidence


def test_the_control_must_apply_and_be_implemented_or_partly(officer, prepared):
    services.mapping_review(actor=officer, mapping=prepared)
    implement(officer, "8.15", "partial")
    assert state().has_evidence
    implement(officer, "8.15", "not_implemented")
    assert not state().has_evidence
    implement(officer, "8.15")
    services.control_update(
        actor=officer, control=prepared.security_control, data={"applicable": False}
    )
    assert not state().has_evidence


def test_out_of_date_security_evidence_counts_for_nothing(officer):
    make_42001_ready_but_evidence(officer, ITEM)
    implement(officer, "8.15")
    attach(officer, "8.15", valid_until=timezone.localdate() - timedelta(days=1))
    services.mapping_review(actor=officer, mapping=suggestion("8.15", ITEM))
    assert not state().has_evidence


def test_organisations_without_27001_records_see_no_change(officer):
    """Reviewed suggestions alone (no implemented control, no evidence) change nothing."""
    services.mapping_review(actor=officer, mapping=suggestion("8.15", ITEM))
    assert supporting_security_evidence(today=timezone.localdate()) == {}
    assert readiness().ready == 0


def test_readiness_and_the_predicate_read_a_bounded_number_of_queries(
    officer, django_assert_max_num_queries
):
    for code, item in (("8.15", ITEM), ("8.16", "A.6.2.6"), ("6.3", "7.2"), ("5.19", "A.10.3")):
        make_42001_ready_but_evidence(officer, item)
        implement(officer, code)
        attach(officer, code)
        services.mapping_review(actor=officer, mapping=suggestion(code, item))
    with django_assert_max_num_queries(1):
        found = supporting_security_evidence(today=timezone.localdate())
    assert len(found) == 4
    with django_assert_max_num_queries(4):
        state_all = readiness()
    assert state_all.ready == 4


def test_the_statement_api_names_the_27001_source(api_as, auditor, officer, prepared):
    from django.urls import reverse

    services.mapping_review(actor=officer, mapping=prepared)
    body = api_as(auditor).get(reverse("api:controlstatement-detail", args=[statement(ITEM).pk]))
    readiness_flags = body.json()["readiness"]
    assert readiness_flags["has_evidence"] and readiness_flags["ready"]
    (line,) = readiness_flags["security_evidence"]
    assert line.startswith("evidence from ISO/IEC 27001 8.15 via a mapping reviewed by")
