"""The plan's API: tasks (list, filters, read, add, reassign, start/done/drop), generating
and the progress, with the one error shape for refusals."""

from datetime import timedelta

import pytest
from django.utils import timezone

from audits.models import PlanTask
from audits.plan import services

from .helpers import assess

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
TASKS = "/api/v1/plan-tasks/"


def add(officer, owner, title="Hand task", phase=1) -> PlanTask:
    return services.task_create(
        actor=officer, title=title, phase=phase, owner=owner, due_date=TODAY + timedelta(days=5)
    )


def test_generate_and_progress(api_as, officer, owner, auditor):
    api = api_as(officer)
    refused = api.post("/api/v1/plan/generate/", {}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "no_assessment"
    assess(officer, owner=owner)
    bad = api.post("/api/v1/plan/generate/", {"start": "soon"}, format="json")
    assert bad.status_code == 400 and "start" in bad.json()["extra"]["fields"]
    made = api.post("/api/v1/plan/generate/", {"start": TODAY.isoformat()}, format="json")
    assert made.status_code == 201
    body = made.json()
    assert body["created"] == PlanTask.objects.count() == len(body["tasks"])
    assert body["progress"]["exists"] and body["progress"]["start_date"] == TODAY.isoformat()
    again = api.post("/api/v1/plan/generate/", {}, format="json")
    assert again.status_code == 409 and again.json()["code"] == "nothing_to_plan"
    progress = api_as(auditor).get("/api/v1/plan/progress/").json()
    assert [p["phase"] for p in progress["phases"]] == [1, 2, 3]
    assert progress["total"] == body["created"] and progress["day"] == 1
    assert progress["phase_rule"]["1"].startswith("Foundations")
    assert api_as(auditor).post("/api/v1/plan/generate/", {}, format="json").status_code == 403


def test_list_filters_and_visibility(api_as, officer, owner, other_owner, approver):
    mine = add(officer, owner, "Mine", phase=2)
    add(officer, other_owner, "Theirs", phase=1)
    everything = api_as(officer).get(TASKS).json()["results"]
    assert {t["title"] for t in everything} == {"Mine", "Theirs"}
    assert [t["title"] for t in api_as(officer).get(TASKS, {"phase": 2}).json()["results"]] == [
        "Mine"
    ]
    assert api_as(officer).get(TASKS, {"q": mine.reference}).json()["count"] == 1
    assert api_as(officer).get(TASKS, {"overdue": "true"}).json()["count"] == 0
    assert [t["title"] for t in api_as(owner).get(TASKS).json()["results"]] == ["Mine"]
    assert api_as(approver).get(TASKS).json()["count"] == 0
    assert api_as(other_owner).get(f"{TASKS}{mine.pk}/").status_code == 404
    assert api_as(owner).get(f"{TASKS}{mine.pk}/").json()["reference"] == mine.reference
    assert api_as(approver).get("/api/v1/plan/progress/").status_code == 403


def test_create_by_hand(api_as, officer, owner, auditor):
    data = {"title": "Brief the board", "phase": 1, "owner": owner.pk,
            "due_date": (TODAY + timedelta(days=3)).isoformat()}  # fmt: skip
    assert api_as(auditor).post(TASKS, data, format="json").status_code == 403
    assert api_as(owner).post(TASKS, data, format="json").status_code == 403
    bad = api_as(officer).post(TASKS, {**data, "phase": 7, "due_date": "x"}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()["extra"]["fields"]) == {"phase", "due_date"}
    past = api_as(officer).post(TASKS, {**data, "due_date": "2001-01-01"}, format="json")
    assert past.status_code == 400 and past.json()["extra"]["fields"]["due_date"]
    status = api_as(officer).post(TASKS, {**data, "status": "done"}, format="json")
    assert status.status_code == 400 and "status" in status.json()["extra"]["fields"]
    assert not PlanTask.objects.exists()
    made = api_as(officer).post(TASKS, data, format="json")
    assert made.status_code == 201 and made.json()["reference"].startswith("TSK-")


def test_actions(api_as, officer, owner, auditor):
    task = add(officer, owner)
    url = f"{TASKS}{task.pk}/"
    assert api_as(auditor).post(f"{url}start/").status_code == 403
    assert api_as(owner).post(f"{url}start/").json()["status"] == "in_progress"
    no_note = api_as(owner).post(f"{url}done/", {}, format="json")
    assert no_note.status_code == 400 and "note" in no_note.json()["extra"]["fields"]
    assert api_as(owner).post(f"{url}drop/", {"note": "x"}, format="json").status_code == 403
    done = api_as(owner).post(f"{url}done/", {"note": "Did it"}, format="json")
    assert done.status_code == 200 and done.json()["done_note"] == "Did it"
    history = PlanTask.objects.get(pk=task.pk).history.count()
    twice = api_as(owner).post(f"{url}done/", {"note": "Again"}, format="json")
    assert twice.status_code == 409 and twice.json()["code"] == "transition_not_allowed"
    assert PlanTask.objects.get(pk=task.pk).history.count() == history


def test_reassign_by_patch(api_as, officer, owner, other_owner, auditor):
    task = add(officer, owner)
    url = f"{TASKS}{task.pk}/"
    assert api_as(owner).patch(url, {"owner": other_owner.pk}, format="json").status_code == 403
    assert api_as(auditor).patch(url, {"owner": other_owner.pk}, format="json").status_code == 403
    bad = api_as(officer).patch(url, {"owner": auditor.pk}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "owner_cannot_act"
    moved = api_as(officer).patch(url, {"owner": other_owner.pk}, format="json")
    assert moved.status_code == 200 and moved.json()["owner"] == other_owner.pk
    assert api_as(officer).put(url, {}, format="json").status_code == 405


def test_the_schema_documents_the_plan(api_as, officer):
    schema = api_as(officer).get("/api/schema/", {"format": "json"}).json()
    for path in (
        "/api/v1/plan-tasks/",
        "/api/v1/plan-tasks/{id}/",
        "/api/v1/plan-tasks/{id}/done/",
        "/api/v1/plan-tasks/{id}/drop/",
        "/api/v1/plan-tasks/{id}/start/",
        "/api/v1/plan/generate/",
        "/api/v1/plan/progress/",
    ):
        assert path in schema["paths"], path
