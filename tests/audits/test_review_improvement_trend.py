"""Management review inputs 9.3.2 (c)/(d) feedback from interested parties and (e)
opportunities for continual improvement, and each headline figure's trend against the
previous review held (value, previous value, difference, direction in words)."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aims.models import InterestedParty
from aims.ms import services as ms_services
from audits.internal_audits import findings as finding_services
from audits.models import Finding
from incidents.models import Incident

from . import test_internal_audits as ia
from .test_management_review import held, review

pytestmark = pytest.mark.django_db
audit = ia.audit
controls = ia.controls
programme = ia.programme
TODAY = date.today()


def party(officer, name="Patients' association", category="affected") -> InterestedParty:
    return ms_services.party_save(
        actor=officer,
        data={"name": name, "category": category, "requirements": "Explanations of decisions"},
    )


def feedback(officer, who, days_ago: int, summary: str):
    return ms_services.feedback_save(
        actor=officer,
        data={"party": who, "received_on": TODAY - timedelta(days=days_ago), "summary": summary},
    )


def raise_finding(officer, audit, kind, title):
    return finding_services.finding_raise(
        actor=officer, audit=audit, kind=kind, title=title, description=f"About {title}"
    )


def test_feedback_of_the_period_is_an_input(officer):
    patients = party(officer)
    regulator = party(officer, "Data protection authority", "regulators")
    feedback(officer, patients, 3, "Asked why the triage bot refused a request")
    feedback(officer, regulator, 10, "Requested our DPIA for the chatbot")
    feedback(officer, patients, 90, "Older praise, before the period")

    inputs = review(officer, since=TODAY - timedelta(days=30)).inputs["feedback"]

    assert inputs["received_since"] == 2 and inputs["parties"] == 2
    assert inputs["by_category"]["affected"] == 1 and inputs["by_category"]["regulators"] == 1
    summaries = [i["summary"] for i in inputs["items"]]
    assert summaries == ["Asked why the triage bot refused a request",
                         "Requested our DPIA for the chatbot"]  # fmt: skip
    assert inputs["items"][0]["received_by"] == officer.username


def test_open_improvement_findings_and_lessons_are_opportunities(officer, owner, system, audit):
    ia.started(officer, audit)
    ofi = raise_finding(officer, audit, Finding.Kind.OFI, "Automate the bias report")
    observation = raise_finding(officer, audit, Finding.Kind.OBSERVATION, "Logs kept twice")
    raise_finding(officer, audit, Finding.Kind.MAJOR, "No policy")  # a nonconformity, not this
    Finding.objects.filter(pk=observation.pk).update(
        status=Finding.Status.CLOSED, closed_at=timezone.now(),
        created_at=timezone.now() - timedelta(days=200),
    )  # fmt: skip
    incident = Incident.objects.create(
        system=system, title="Wrong answer on refunds", description="d", detection_channel="x",
        category="accuracy", severity="sev3", owner=owner, reporter=owner,
        lessons_learned="Review prompts monthly",
        closed_at=timezone.now() - timedelta(days=2),
    )  # fmt: skip

    data = review(officer, since=TODAY - timedelta(days=30)).inputs["improvement"]

    assert data["open_findings"] == {"ofi": 1, "observation": 0}
    assert data["lessons_learned"] == 1 and data["open"] == 2
    references = {i["reference"] for i in data["items"]}
    assert references == {ofi.reference, incident.reference}


def test_first_review_has_no_earlier_figure(officer):
    trend = review(officer).inputs["trend"]
    assert trend["previous_review"] is None
    assert trend["rows"] and all(r["direction"] == "new" and r["previous"] is None
                                 for r in trend["rows"])  # fmt: skip


def test_trend_compares_with_the_previous_review_held(officer, client_as, api_as, auditor):
    patients = party(officer)
    feedback(officer, patients, 50, "First complaint")
    earlier = review(officer, meeting_date=TODAY - timedelta(days=40), title="Spring review",
                     since=TODAY - timedelta(days=60))  # fmt: skip
    held(officer, earlier)
    review(officer, meeting_date=TODAY - timedelta(days=20), title="Planned, never held")
    for days in (5, 6, 7):
        feedback(officer, patients, days, f"Complaint {days}")

    mr = review(officer, since=TODAY - timedelta(days=30))
    rows = {r["key"]: r for r in mr.inputs["trend"]["rows"]}

    assert mr.inputs["trend"]["previous_review"]["reference"] == earlier.reference
    assert rows["feedback"] == {
        "key": "feedback",
        "label": rows["feedback"]["label"],
        "value": 3,
        "previous": 1,
        "delta": 2,
        "direction": "up",
    }
    assert rows["incidents_open"]["direction"] == "same" and rows["incidents_open"]["delta"] == 0

    html = client_as(auditor).get(reverse("internal_audits:review_detail", args=[mr.pk]))
    text = html.content.decode()
    assert "Trend since the previous review" in text and "↑ up 2" in text
    assert f"against {earlier.reference}" in text
    body = api_as(auditor).get(reverse("api:managementreview-detail", args=[mr.pk])).json()
    api_rows = {r["key"]: r for r in body["trend"]["rows"]}
    assert api_rows["feedback"]["previous"] == 1 and api_rows["feedback"]["delta"] == 2


def test_a_figure_missing_from_an_older_snapshot_has_no_trend(officer):
    earlier = review(officer, meeting_date=TODAY - timedelta(days=40))
    held(officer, earlier)
    type(earlier).objects.filter(pk=earlier.pk).update(inputs={"incidents": {"open": 4}})

    rows = {r["key"]: r for r in review(officer).inputs["trend"]["rows"]}

    assert rows["incidents_open"]["previous"] == 4
    assert rows["incidents_open"]["direction"] in ("down", "same", "up")
    assert rows["feedback"]["previous"] is None and rows["feedback"]["direction"] == "new"


def test_evidence_pack_states_the_trend_in_words(officer):
    from audits.packs.management import review_inputs

    patients = party(officer)
    feedback(officer, patients, 50, "First complaint")
    earlier = review(officer, meeting_date=TODAY - timedelta(days=40),
                     since=TODAY - timedelta(days=60))  # fmt: skip
    held(officer, earlier)
    feedback(officer, patients, 5, "Second complaint")
    feedback(officer, patients, 6, "Third complaint")

    lines = dict(review_inputs(review(officer, since=TODAY - timedelta(days=30))))

    assert lines["Trend: Feedback received from interested parties"] == (
        f"2 (up 1 from 1 at {earlier.reference})"
    )
    assert lines["Trend: Incidents open"] == f"0 (no change from 0 at {earlier.reference})"
    assert not any(label == "Trend" for label in lines)  # not dumped as raw JSON
