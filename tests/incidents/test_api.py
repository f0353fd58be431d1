from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents.models import Alert, Incident, Observation

from .conftest import ago

pytestmark = pytest.mark.django_db


def iso(dt) -> str:
    return dt.isoformat()


def test_report_and_walk_an_incident_through_the_api(api_as, owner, officer, system):
    api = api_as(owner)
    response = api.post(
        "/api/v1/incidents/",
        {
            "system": system.pk,
            "title": "Leaked a phone number",
            "description": "The assistant quoted a customer's phone number",
            "detection_channel": "employee",
            "category": "privacy",
            "severity": "sev2",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"].startswith("INC-") and body["status"] == "reported"
    assert body["systems"] == [system.pk]
    pk = body["id"]
    response = api.post(f"/api/v1/incidents/{pk}/transition/", {"action": "close"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"
    for action, note in (("triage", ""), ("contain", "Turned off"), ("resolve", "Bad prompt")):
        response = api.post(
            f"/api/v1/incidents/{pk}/transition/", {"action": action, "note": note}, format="json"
        )
        assert response.status_code == 200, response.content
    response = api.post(f"/api/v1/incidents/{pk}/transition/", {"action": "close"}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "close_prerequisites_missing"
    response = api.post(
        f"/api/v1/incidents/{pk}/corrective-actions/",
        {
            "title": "Mask numbers",
            "nonconformity": "PII in output",
            "action_plan": "Add a PII filter",
            "due_date": (timezone.localdate() + timedelta(days=14)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    capa = response.json()
    assert capa["reference"].startswith("CAPA-")
    # A SEV2 closes only once its corrective actions are implemented.
    response = api.post(
        f"/api/v1/incidents/{pk}/transition/",
        {"action": "close", "note": "Filter outputs"},
        format="json",
    )
    assert response.status_code == 409 and capa["reference"] in response.json()["message"]
    response = api.post(
        f"/api/v1/corrective-actions/{capa['id']}/transition/",
        {"action": "implement"},
        format="json",
    )
    assert response.status_code == 200, response.content
    response = api.post(
        f"/api/v1/incidents/{pk}/transition/",
        {"action": "close", "note": "Filter outputs"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["status"] == "closed"
    events = api.get(f"/api/v1/incidents/{pk}/events/").json()
    assert [e["kind"] for e in events] == [
        "reported",
        "triage",
        "contain",
        "resolve",
        "close",
    ]


def test_bad_incident_input_is_400_with_fields(api_as, owner, system):
    response = api_as(owner).post(
        "/api/v1/incidents/",
        {
            "system": system.pk,
            "severity": "sev7",
            "aware_at": iso(timezone.now() + timedelta(days=2)),
        },
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["extra"]["fields"]
    assert {"severity", "aware_at", "title"} <= set(fields)
    assert not Incident.objects.exists()


def test_serious_clock_through_the_api(api_as, officer, system, report):
    system.__class__.objects.filter(pk=system.pk).update(risk_tier="high")
    incident = report()
    api = api_as(officer)
    response = api.post(
        f"/api/v1/incidents/{incident.pk}/serious/", {"case": "death"}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    expected = timezone.localdate(incident.aware_at) + timedelta(days=10)
    assert body["reporting_deadline"] == expected.isoformat()
    assert body["reporting_days_left"] == (expected - timezone.localdate()).days
    response = api.post(f"/api/v1/incidents/{incident.pk}/report/", {"reference": "R-1"})
    assert response.status_code == 200 and response.json()["report_reference"] == "R-1"


def test_incident_list_query_count_does_not_grow(api_as, officer, report):
    api = api_as(officer)
    report()
    rows = []  # rows each counted request returned: the count compares full lists

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = api.get("/api/v1/incidents/")
        assert response.status_code == 200
        rows.append(len(response.json()["results"]))
        return len(ctx)

    count()  # warms the permission caches
    few = count()
    for n in range(6):
        report(title=f"Incident {n}")
    assert count() == few
    assert (rows[0], rows[-1]) == (1, 7)


# --- Observations ---------------------------------------------------------------------------


def test_single_observation_and_its_repeat(api_as, owner, metric):
    api = api_as(owner)
    payload = {"metric": metric.pk, "observed_at": iso(ago(minutes=3)), "value": 2.5}
    first = api.post("/api/v1/observations/", payload, format="json")
    assert first.status_code == 201 and first.json()["created"] == 1
    again = api.post("/api/v1/observations/", payload, format="json")
    assert again.status_code == 200 and again.json()["duplicates"] == 1
    assert Observation.objects.count() == 1


def test_bulk_is_idempotent_and_opens_one_incident(api_as, owner, metric):
    metric.auto_incident_severity = "sev2"
    metric.save()
    api = api_as(owner)
    points = [
        {"metric": metric.pk, "observed_at": iso(ago(minutes=m)), "value": 50.0 + m}
        for m in range(1, 41)
    ]
    response = api.post("/api/v1/observations/bulk/", {"observations": points}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["received"], body["created"], body["duplicates"]) == (40, 40, 0)
    assert len(body["incidents_opened"]) == 1
    response = api.post("/api/v1/observations/bulk/", {"observations": points}, format="json")
    assert response.json()["created"] == 0 and response.json()["incidents_opened"] == []
    assert Observation.objects.count() == 40
    assert Incident.objects.count() == 1
    assert Alert.objects.filter(kind="breach").count() == 1


def test_bulk_query_count_does_not_grow_with_the_batch(api_as, owner, metric):
    api = api_as(owner)

    def post(n: int, offset: int) -> int:
        points = [
            {"metric": metric.pk, "observed_at": iso(ago(minutes=offset + m)), "value": 1.0}
            for m in range(n)
        ]
        with CaptureQueriesContext(connection) as ctx:
            response = api.post("/api/v1/observations/bulk/", {"observations": points}, "json")
        assert response.status_code == 200
        return len(ctx)

    post(2, 2000)  # the first batch opens nothing but warms caches
    # 200 rows stay within one INSERT even on SQLite (999 parameters per statement).
    assert post(5, 1000) == post(200, 0)


@pytest.mark.parametrize(
    "item,field",
    [
        ({"metric": 999999, "value": 1.0}, "metric"),
        ({"value": "high"}, "value"),
        ({"value": "NaN"}, "value"),
        ({"value": 1.0, "future": True}, "observed_at"),
        ({"value": 1.0, "observed_at": "yesterday"}, "observed_at"),
    ],
)
def test_bad_bulk_input_is_refused_whole_with_field_errors(api_as, owner, metric, item, field):
    good = {"metric": metric.pk, "observed_at": iso(ago(minutes=9)), "value": 1.0}
    bad = {"metric": metric.pk, "observed_at": iso(ago(minutes=8)), **item}
    if bad.pop("future", False):
        bad["observed_at"] = iso(timezone.now() + timedelta(hours=2))
    response = api_as(owner).post(
        "/api/v1/observations/bulk/", {"observations": [good, bad]}, format="json"
    )
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid"
    errors = body["extra"]["fields"]["observations"]
    second = errors[1] if isinstance(errors, list) else errors["1"]
    assert field in second
    assert not Observation.objects.exists()


def test_single_observation_bad_input(api_as, owner, metric):
    response = api_as(owner).post(
        "/api/v1/observations/", {"metric": 424242, "observed_at": "x", "value": "y"}, "json"
    )
    assert response.status_code == 400
    assert {"observed_at", "value"} <= set(response.json()["extra"]["fields"])


def test_other_owner_cannot_push_to_my_metric(api_as, other_owner, metric):
    payload = {"metric": metric.pk, "observed_at": iso(ago(minutes=3)), "value": 2.5}
    response = api_as(other_owner).post("/api/v1/observations/", payload, format="json")
    assert response.status_code == 400
    assert "metric" in response.json()["extra"]["fields"]


def test_alerts_are_listed_for_readers_only(api_as, owner, auditor, other_owner, metric):
    api_as(owner).post(
        "/api/v1/observations/",
        {"metric": metric.pk, "observed_at": iso(ago(minutes=3)), "value": 99},
        format="json",
    )
    assert api_as(auditor).get("/api/v1/alerts/?open=true").json()["count"] == 1
    assert api_as(other_owner).get("/api/v1/alerts/").json()["count"] == 0


def test_incident_on_several_systems(api_as, officer, system, other_owner):
    from tests.factories import make_system

    second = make_system(other_owner, name="Second system")
    response = api_as(officer).post(
        "/api/v1/incidents/",
        {
            "system": system.pk,
            "other_systems": [second.pk],
            "title": "Shared vendor outage",
            "description": "The model provider was down",
            "detection_channel": "vendor",
            "category": "vendor",
            "severity": "sev3",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["systems"] == sorted([system.pk, second.pk])
    # The owner of the second system sees it too; nobody else's does.
    assert api_as(other_owner).get("/api/v1/incidents/").json()["count"] == 1
