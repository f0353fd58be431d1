"""Management review (9.3): inputs gathered from live data, the review's life (planned ->
held -> closed), its actions, the page and the API, and who may do what."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from aims.errors import RuleForbidden, TransitionNotAllowed
from aims.models import Objective
from aims.templatetags.aims_ui import when_text
from audits.models import Finding, ManagementReview, ReviewAction
from audits.reviews import inputs as review_inputs
from audits.reviews import services as reviews
from incidents import services as incident_services
from incidents.models import Metric

from . import test_internal_audits as ia

pytestmark = pytest.mark.django_db
# Fixtures shared with test_internal_audits.
audit = ia.audit
controls = ia.controls
programme = ia.programme
TODAY = date.today()


def review(actor, *, meeting_date=TODAY, since=None, title="Annual management review"):
    return reviews.review_create(
        actor=actor, title=title, meeting_date=meeting_date, chair=actor, since=since
    )


def held(actor, mr, decisions="Fund a bias-testing tool"):
    return reviews.review_record(actor=actor, review=mr, decisions=decisions, minutes="Minutes")


@pytest.fixture
def incident(owner, system):
    return incident_services.incident_report(
        actor=owner,
        system=system,
        title="Chatbot leaked an address",
        description="A customer address appeared in an answer.",
        detection_channel="user_complaint",
        category="privacy",
        severity="sev2",
    )


@pytest.fixture
def previous(officer, owner):
    """A review held two months ago with an action now overdue and one done."""
    mr = review(officer, meeting_date=TODAY - timedelta(days=60), title="Previous review")
    held(officer, mr)
    late = reviews.review_action_add(
        actor=officer, review=mr, description="Write the AI policy", owner=owner,
        due_date=TODAY - timedelta(days=50),
    )  # fmt: skip
    reviews.review_action_add(
        actor=officer, review=mr, description="Appoint a committee", owner=owner,
        due_date=TODAY - timedelta(days=40),
    )  # fmt: skip
    done = mr.actions.get(description="Appoint a committee")
    reviews.review_action_update(actor=officer, action=done, data={"status": "done"})
    reviews.review_close(actor=officer, review=mr)
    return late


# --- Inputs from live data ------------------------------------------------------------------


def test_inputs_count_a_new_incident_and_an_overdue_action(officer, previous, incident):
    mr = review(officer)
    inputs = mr.inputs
    assert mr.inputs_gathered_at is not None
    assert inputs["since"] == (TODAY - timedelta(days=60)).isoformat()  # the previous review
    actions = inputs["previous_actions"]
    assert actions["counts"]["open"] == 1 and actions["counts"]["done"] == 1
    assert actions["counts"]["overdue"] == 1
    assert [i["description"] for i in actions["items"] if i["overdue"]] == ["Write the AI policy"]
    incidents = inputs["incidents"]
    assert incidents["reported_since"] == 1 and incidents["by_severity"]["sev2"] == 1
    assert incidents["items"][0]["reference"] == incident.reference


def test_inputs_cover_audits_findings_capas_objectives_and_monitoring(
    officer, owner, system, audit
):
    from audits.internal_audits import findings as finding_services
    from audits.internal_audits import services

    ia.started(officer, audit)
    item = audit.checklist.first()
    services.checklist_record(
        actor=officer, checklist_item=item, result="nonconforming", notes="Missing"
    )
    finding = finding_services.finding_raise(
        actor=officer, audit=audit, kind=Finding.Kind.MAJOR, title="No policy", description="d"
    )
    finding_services.finding_open_capa(
        actor=officer, finding=finding, owner=owner, due_date=TODAY + timedelta(days=10),
        action_plan="Write it",
    )  # fmt: skip
    Objective.objects.create(
        title="Bias audits", measure="Audits done", target_value=4, owner=owner,
        due_date=TODAY - timedelta(days=1), status=Objective.Status.AT_RISK,
    )  # fmt: skip
    metric = incident_services.metric_save(
        actor=owner, metric=Metric(system=system),
        data={"name": "Error rate", "direction": "higher_is_worse", "breach_threshold": 10},
    )  # fmt: skip
    incident_services.observations_ingest(
        actor=owner, observations=[(metric, timezone.now() - timedelta(minutes=5), 50)]
    )
    inputs = review(officer, since=TODAY - timedelta(days=30)).inputs
    assert inputs["audits"]["counts"]["in_progress"] == 1
    assert inputs["audits"]["checklist_results"]["nonconforming"] == 1
    assert inputs["findings"]["by_kind"]["major"] == {"open": 1, "closed": 0}
    assert inputs["corrective_actions"]["counts"]["open"] == 1
    assert inputs["objectives"]["counts"]["at_risk"] == 1
    assert inputs["objectives"]["counts"]["overdue"] == 1
    assert inputs["monitoring"]["since"]["breach"] == 1
    assert inputs["monitoring"]["open"]["breach"] == 1


def test_gathering_reads_each_register_once(officer, previous, incident, audit,
                                            django_assert_max_num_queries):  # fmt: skip
    # one per register: 12 before feedback and incident lessons joined the inputs (9.3.2)
    with django_assert_max_num_queries(14):
        review_inputs.gather_inputs(TODAY - timedelta(days=90))


def test_inputs_are_json_and_frozen_once_held(officer, incident):
    mr = review(officer)
    held(officer, mr)
    with pytest.raises(TransitionNotAllowed) as exc:
        reviews.review_refresh_inputs(actor=officer, review=mr)
    assert "planned" in exc.value.message
    mr.refresh_from_db()
    assert isinstance(mr.inputs["incidents"]["items"][0]["reported"], str)


def test_refresh_picks_up_new_data_while_planned(officer, owner, system):
    mr = review(officer)
    assert mr.inputs["incidents"]["reported_since"] == 0
    incident_services.incident_report(
        actor=owner, system=system, title="New", description="d", detection_channel="employee",
        category="other", severity="sev4",
    )  # fmt: skip
    mr = reviews.review_refresh_inputs(actor=officer, review=mr)
    assert mr.inputs["incidents"]["reported_since"] == 1
    assert mr.history.first().history_change_reason == "Inputs refreshed from live data"


# --- The review's life ----------------------------------------------------------------------


def test_record_needs_decisions_and_a_past_meeting(officer):
    mr = review(officer)
    with pytest.raises(ValidationError) as exc:
        reviews.review_record(actor=officer, review=mr, decisions="  ")
    assert "decisions" in exc.value.message_dict
    future = review(officer, meeting_date=TODAY + timedelta(days=7))
    with pytest.raises(ValidationError):
        held(officer, future)


def test_actions_only_after_the_meeting_and_close(officer, owner):
    mr = review(officer)
    with pytest.raises(TransitionNotAllowed):
        reviews.review_action_add(
            actor=officer, review=mr, description="x", owner=owner, due_date=TODAY
        )
    with pytest.raises(TransitionNotAllowed):
        reviews.review_close(actor=officer, review=mr)
    held(officer, mr)
    action = reviews.review_action_add(
        actor=officer, review=mr, description="Buy a tool", owner=owner,
        due_date=TODAY + timedelta(days=90),
    )  # fmt: skip
    mr = reviews.review_close(actor=officer, review=mr)
    assert mr.status == ManagementReview.Status.CLOSED
    with pytest.raises(TransitionNotAllowed):
        reviews.review_action_update(actor=officer, action=action, data={"description": "y"})
    action = reviews.review_action_update(actor=officer, action=action, data={"status": "done"})
    assert action.status == ReviewAction.Status.DONE


def test_only_officers_write_reviews(approver, auditor, owner):
    for actor in (approver, auditor, owner):
        with pytest.raises(RuleForbidden):
            review(actor)
    assert not ManagementReview.objects.exists()


# --- Browser and API ------------------------------------------------------------------------


def test_review_page_shows_each_input_section_with_links(client_as, officer, auditor, incident,
                                                         previous):  # fmt: skip
    mr = review(officer)
    page = client_as(auditor).get(reverse("internal_audits:review_detail", args=[mr.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    for title in (
        "Actions from previous reviews",
        "Incidents",
        "Progress on AI objectives",
        "Monitoring and measurement results",
        "Risks and opportunities",
    ):
        assert title in html, title
    assert reverse("incidents:incident_detail", args=[incident.pk]) in html
    assert "Write the AI policy" in html
    # The inputs are a snapshot holding ISO text; the page shows its dates in the one format.
    due = TODAY - timedelta(days=50)
    assert f'<time datetime="{due.isoformat()}">{when_text(due)}</time>' in html
    assert "Gather inputs again" not in html  # auditors read only


def test_plan_record_and_act_in_the_browser(client_as, officer, owner):
    client = client_as(officer)
    response = client.post(
        reverse("internal_audits:review_create"),
        {"title": "Browser review", "meeting_date": TODAY.isoformat(), "chair": officer.pk},
    )
    mr = ManagementReview.objects.get(title="Browser review")
    assert response["Location"] == reverse("internal_audits:review_detail", args=[mr.pk])
    assert mr.inputs_gathered_at is not None
    refused = client.post(reverse("internal_audits:review_record", args=[mr.pk]), {})
    assert refused.status_code == 400
    client.post(
        reverse("internal_audits:review_record", args=[mr.pk]),
        {"decisions": "Hire an AI auditor", "minutes": "Short meeting"},
    )
    client.post(
        reverse("internal_audits:review_action_add", args=[mr.pk]),
        {"description": "Hire", "owner": owner.pk, "due_date": (TODAY + timedelta(30)).isoformat()},
    )
    mr.refresh_from_db()
    assert mr.status == ManagementReview.Status.HELD
    assert mr.actions.get().owner == owner


def test_review_list_queries_stay_constant(client_as, officer, django_assert_max_num_queries):
    client = client_as(officer)
    review(officer)
    with django_assert_max_num_queries(10):
        client.get(reverse("internal_audits:review_list"))
    for n in range(5):
        review(officer, title=f"Review {n}")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("internal_audits:review_list"))
    assert "Review 4" in response.content.decode()


def test_api_lifecycle(api_as, officer, owner, incident):
    client = api_as(officer)
    created = client.post(
        reverse("api:managementreview-list"),
        {"title": "API review", "meeting_date": TODAY.isoformat(), "chair": officer.pk},
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["inputs"]["incidents"]["reported_since"] == 1
    refreshed = client.post(reverse("api:managementreview-refresh-inputs", args=[pk]), {},
                            format="json")  # fmt: skip
    assert refreshed.status_code == 200
    recorded = client.post(
        reverse("api:managementreview-record", args=[pk]), {"decisions": "Act"}, format="json"
    )
    assert recorded.json()["status"] == "held"
    action = client.post(
        reverse("api:reviewaction-list"),
        {"review": pk, "description": "Do it", "owner": owner.pk,
         "due_date": (TODAY + timedelta(days=5)).isoformat()},
        format="json",
    )  # fmt: skip
    assert action.status_code == 201, action.content
    done = client.patch(
        reverse("api:reviewaction-detail", args=[action.json()["id"]]), {"status": "done"},
        format="json",
    )  # fmt: skip
    assert done.json()["status"] == "done"
    closed = client.post(reverse("api:managementreview-close", args=[pk]), format="json")
    assert closed.json()["status"] == "closed"
    again = client.post(reverse("api:managementreview-refresh-inputs", args=[pk]), {},
                        format="json")  # fmt: skip
    assert again.status_code == 409


def test_auditors_read_reviews_and_write_nothing(client_as, api_as, officer, auditor, owner):
    mr = review(officer)
    web = client_as(auditor)
    listing = web.get(reverse("internal_audits:review_list"))
    assert listing.status_code == 200 and mr.reference in listing.content.decode()
    for name in ("review_refresh", "review_record", "review_close", "review_action_add",
                 "review_edit"):  # fmt: skip
        assert web.post(reverse(f"internal_audits:{name}", args=[mr.pk]), {}).status_code == 403
    api = api_as(auditor)
    assert api.get(reverse("api:managementreview-detail", args=[mr.pk])).status_code == 200
    for url, data in (
        (reverse("api:managementreview-list"), {"title": "x"}),
        (reverse("api:managementreview-refresh-inputs", args=[mr.pk]), {}),
        (reverse("api:managementreview-record", args=[mr.pk]), {"decisions": "x"}),
        (reverse("api:managementreview-close", args=[mr.pk]), {}),
        (reverse("api:reviewaction-list"), {"review": mr.pk}),
    ):
        assert api.post(url, data, format="json").status_code == 403, url
    mr.refresh_from_db()
    assert mr.status == ManagementReview.Status.PLANNED and mr.history.count() == 1
    assert (
        client_as(owner).get(reverse("internal_audits:review_detail", args=[mr.pk])).status_code
        == 404
    )
