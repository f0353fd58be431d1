"""Readiness: owner, in-date evidence and "implemented" per requirement and control, judged
on the evidence validity dates; percentages overall, per clause and per Annex A objective."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aims.models import Evidence
from audits.soa import services
from audits.soa.readiness import readiness, readiness_of

from .soa_helpers import attach, make_ready, statement

pytestmark = pytest.mark.django_db

TOTAL = 70  # 32 clause requirements + 38 Annex A controls


def state_of(code: str, today=None):
    s = statement(code)
    return readiness_of([s], today=today)[s.pk]


def test_nothing_is_ready_on_a_fresh_catalogue():
    state = readiness()
    assert (state.ready, state.total, state.percent) == (0, TOTAL, 0)
    assert [g.code for g in state.clauses] == ["4", "5", "6", "7", "8", "9", "10"]
    assert [g.code for g in state.annex] == [
        "A.2", "A.3", "A.4", "A.5", "A.6.1", "A.6.2", "A.7", "A.8", "A.9", "A.10",
    ]  # fmt: skip
    assert sum(g.total for g in state.clauses) == 32
    assert sum(g.total for g in state.annex) == 38


def test_ready_needs_owner_in_date_evidence_and_implemented(officer):
    code = "A.6.2.4"
    assert state_of(code).next_step == (
        "Name an owner, then attach in-date evidence, then implement it and mark it implemented."
    )
    services.statement_update(
        actor=officer,
        statement=statement(code),
        data={"owner": officer, "implementation_status": "implemented"},
    )
    state = state_of(code)
    assert state.has_owner and state.implemented and not state.has_evidence
    assert not state.ready
    attach(officer, code)
    assert state_of(code).ready


def test_readiness_follows_the_evidence_validity_dates(officer):
    today = timezone.localdate()
    make_ready(officer, "A.2.2", valid_until=today - timedelta(days=1))
    assert not state_of("A.2.2").has_evidence  # expired yesterday
    make_ready(officer, "A.2.3", valid_until=today)
    assert state_of("A.2.3").ready  # valid through today
    assert not state_of("A.2.3", today=today + timedelta(days=1)).ready  # ... not tomorrow
    make_ready(officer, "A.2.4", valid_from=today + timedelta(days=3))
    assert not state_of("A.2.4").ready  # not valid yet
    assert state_of("A.2.4", today=today + timedelta(days=3)).ready


def test_superseded_evidence_does_not_count(officer):
    make_ready(officer, "A.3.2")
    assert state_of("A.3.2").ready
    Evidence.objects.filter(target_id=statement("A.3.2").pk).update(superseded_at=timezone.now())
    assert not state_of("A.3.2").ready


def test_an_excluded_control_with_justification_counts_as_ready(officer):
    services.statement_update(
        actor=officer,
        statement=statement("A.10.4"),
        data={"applicable": False, "justification": "No customers use our AI systems."},
    )
    assert state_of("A.10.4").ready


def test_percentages_per_clause_per_objective_and_overall(officer):
    for code in ("4.1", "4.2", "A.7.2", "A.7.3", "A.7.4"):
        make_ready(officer, code)
    state = readiness()
    clauses = {g.code: g for g in state.clauses}
    annex = {g.code: g for g in state.annex}
    assert (clauses["4"].ready, clauses["4"].total, clauses["4"].percent) == (2, 4, 50)
    assert (annex["A.7"].ready, annex["A.7"].total, annex["A.7"].percent) == (3, 5, 60)
    assert state.ready == 5 and state.percent == 7  # 5 of 70, rounded down
    assert state.part("clause") == (2, 32, 6)
    assert state.part("control") == (3, 38, 7)


def test_readiness_reads_a_constant_number_of_queries(officer, django_assert_max_num_queries):
    for code in ("5.1", "5.2", "5.3", "A.9.2", "A.9.3"):
        make_ready(officer, code)
    # statements, evidence, headings, and the evidence of ISO/IEC 27001 controls (one each)
    with django_assert_max_num_queries(4):
        state = readiness()
    assert state.ready == 5


def test_the_readiness_page_rises_as_controls_become_ready(client_as, officer, auditor):
    client = client_as(auditor)
    url = reverse("soa:readiness")
    before = client.get(url)
    assert before.status_code == 200
    assert before.context["state"].percent == 0
    for code in ("9.1", "9.2.1", "9.2.2", "9.3.1", "9.3.2", "9.3.3", "10.1"):
        make_ready(officer, code)
    after = client.get(url)
    assert after.context["state"].percent == 10
    html = after.content.decode()
    assert '<span id="readiness-percent">10</span>' in html
    assert 'data-group="9"' in html


def test_the_readiness_api(api_as, officer, auditor, nobody):
    make_ready(officer, "7.2")
    body = api_as(auditor).get(reverse("api:readiness")).json()
    assert (body["ready"], body["total"], body["percent"]) == (1, TOTAL, 1)
    clause7 = next(g for g in body["clauses"] if g["code"] == "7")
    assert clause7["ready"] == 1 and clause7["with_owner"] == 1
    assert any(g["kind"] == "not_ready" and g["record"] == "7.3" for g in body["gaps"])
    assert api_as(nobody).get(reverse("api:readiness")).status_code == 403


def test_the_dashboard_shows_the_readiness_panel(client_as, officer, nobody):
    make_ready(officer, "A.5.2")
    html = client_as(officer).get(reverse("aims:dashboard")).content.decode()
    assert 'id="readiness-panel"' in html
    assert '<span id="panel-readiness-percent">1</span>' in html
    assert (
        'id="readiness-panel"'
        not in client_as(nobody).get(reverse("aims:dashboard")).content.decode()
    )
