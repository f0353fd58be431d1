"""The plan's pages: the empty state, generating, the progress and task list (filters,
export, bounded queries), one task and its actions, and who may open what."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audits.models import PlanTask
from audits.plan import services

from .helpers import assess, task_of

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PROGRESS = "/plan/"


def add(officer, owner, title="Hand task", **kw) -> PlanTask:
    return services.task_create(
        actor=officer,
        title=title,
        phase=kw.get("phase", 1),
        owner=owner,
        due_date=kw.get("due", TODAY + timedelta(days=5)),
    )


def test_the_urls_keep_their_names():
    assert reverse("plan:progress") == PROGRESS
    assert reverse("plan:generate") == "/plan/generate/"


def test_empty_state_before_the_assessment(client_as, officer):
    response = client_as(officer).get(PROGRESS)
    html = response.content.decode()
    assert response.status_code == 200
    assert "No plan yet" in html and "gap assessment" in html
    assert 'id="generate-refusal"' in html and 'id="generate-plan"' not in html
    # Generating now is refused with the reason, and nothing is made.
    response = client_as(officer).post("/plan/generate/", follow=True)
    assert "record the gap assessment first" in response.content.decode()
    assert not PlanTask.objects.exists()


def test_the_officer_generates_the_plan(client_as, officer, owner):
    assess(officer, owner=owner)
    page = client_as(officer).get(PROGRESS).content.decode()
    assert 'id="generate-plan"' in page and "How tasks are phased" in page
    response = client_as(officer).post("/plan/generate/", {"start": TODAY.isoformat()})
    assert response.status_code == 302 and response["Location"] == PROGRESS
    count = PlanTask.objects.count()
    assert count > 30
    page = client_as(officer).get(PROGRESS).content.decode()
    assert "new tasks" in page  # the message
    assert f"0 of {count}</strong> tasks done" in page
    assert 'role="progressbar"' in page and "tasks done (0%)" in page
    assert 'id="generate-refusal"' in page  # nothing new to plan now


def test_filters_and_export(client_as, officer, owner):
    assess(officer, owner=owner)
    services.generate_plan(actor=officer)
    client = client_as(officer)
    phase1 = client.get(PROGRESS, {"phase": 1, "page_size": 200}).content.decode()
    assert task_of("4.1").reference in phase1 and task_of("A.7.4").reference not in phase1
    mine = client.get(PROGRESS, {"owner": owner.pk}).context["page_obj"].paginator.count
    assert mine == 1
    PlanTask.objects.filter(pk=task_of("7.2").pk).update(due_date=TODAY - timedelta(days=1))
    late = client.get(PROGRESS, {"overdue": "on"})
    assert [t.item.code for t in late.context["tasks"]] == ["7.2"]
    assert 'id="overdue-count">1 overdue' in late.content.decode()
    found = client.get(PROGRESS, {"q": "A.7.4"}).context["tasks"]
    assert [t.item.code for t in found] == ["A.7.4"]
    csv = b"".join(client.get("/plan/export.csv", {"phase": 1}).streaming_content).decode()
    assert task_of("4.1").reference in csv and task_of("A.7.4").reference not in csv
    xlsx = client.get("/plan/export.xlsx")
    assert xlsx["Content-Disposition"].endswith('filename="plan-tasks.xlsx"')


def test_the_list_reads_a_bounded_number_of_queries(
    client_as, officer, owner, other_owner, django_assert_max_num_queries
):
    client = client_as(officer)
    for n in range(3):
        add(officer, owner, title=f"a{n}")
    with django_assert_max_num_queries(40) as few:
        client.get(PROGRESS)
    for n in range(40):
        add(officer, other_owner if n % 2 else owner, title=f"b{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(PROGRESS)
    assert len(response.context["tasks"]) == 43


def test_who_opens_the_plan(client_as, officer, owner, other_owner, approver, auditor, nobody):
    task = add(officer, owner, title="Owner's own task")
    add(officer, officer, title="Officer's task")
    page = client_as(owner).get(PROGRESS)
    assert page.status_code == 200
    assert [t.title for t in page.context["tasks"]] == ["Owner's own task"]
    assert 'id="generate-plan"' not in page.content.decode()
    auditor_page = client_as(auditor).get(PROGRESS)
    assert auditor_page.status_code == 200 and len(auditor_page.context["tasks"]) == 2
    for user in (other_owner, approver, nobody):
        assert client_as(user).get(PROGRESS).status_code == 403
        assert client_as(user).get(f"/plan/tasks/{task.pk}/").status_code == 404
    assert client_as(auditor).get(f"/plan/tasks/{task.pk}/").status_code == 200
    assert client_as(auditor).post("/plan/generate/").status_code == 403
    assert client_as(owner).get("/plan/tasks/add/").status_code == 403


def test_the_owner_marks_their_task_done(client_as, officer, owner):
    task = add(officer, owner)
    client = client_as(owner)
    page = client.get(f"/plan/tasks/{task.pk}/").content.decode()
    assert 'id="start-task"' in page and 'id="mark-done"' in page
    assert "Reassign" not in page and "Drop the task" not in page
    response = client.post(f"/plan/tasks/{task.pk}/done/", {"done-note": ""})
    assert response.status_code == 400 and "This field is required" in response.content.decode()
    assert PlanTask.objects.get(pk=task.pk).status == "open"
    response = client.post(f"/plan/tasks/{task.pk}/done/", {"done-note": "Published it."})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == "done" and task.done_note == "Published it."
    page = client.get(f"/plan/tasks/{task.pk}/").content.decode()
    assert "Published it." in page and "Mark done: Published it." in page  # the history
    # Done twice: refused with the reason, nothing changes.
    response = client.post(f"/plan/tasks/{task.pk}/done/", {"done-note": "Again"})
    assert response.status_code == 409
    assert PlanTask.objects.get(pk=task.pk).done_note == "Published it."


def test_auditors_and_other_owners_cannot_act(client_as, officer, owner, auditor, other_owner):
    task = add(officer, owner)
    for url, data in (
        (f"/plan/tasks/{task.pk}/start/", {}),
        (f"/plan/tasks/{task.pk}/done/", {"done-note": "x"}),
        (f"/plan/tasks/{task.pk}/drop/", {"drop-note": "x"}),
        (f"/plan/tasks/{task.pk}/reassign/", {"reassign-owner": auditor.pk}),
    ):
        assert client_as(auditor).post(url, data).status_code == 403
        assert client_as(other_owner).post(url, data).status_code == 404
    assert (
        client_as(owner).post(f"/plan/tasks/{task.pk}/drop/", {"drop-note": "x"}).status_code == 403
    )
    assert PlanTask.objects.get(pk=task.pk).history.count() == 1


def test_the_officer_reassigns_drops_and_adds(client_as, officer, owner, other_owner):
    client = client_as(officer)
    response = client.post(
        "/plan/tasks/add/",
        {"title": "Brief the board", "phase": 1, "owner": owner.pk, "due_date": TODAY.isoformat()},
    )
    task = PlanTask.objects.get(title="Brief the board")
    assert response["Location"] == f"/plan/tasks/{task.pk}/"
    due = (TODAY + timedelta(days=9)).isoformat()
    client.post(
        f"/plan/tasks/{task.pk}/reassign/",
        {"reassign-owner": other_owner.pk, "reassign-due_date": due},
    )
    task.refresh_from_db()
    assert task.owner == other_owner and task.due_date.isoformat() == due
    bad = client.post(
        f"/plan/tasks/{task.pk}/reassign/",
        {"reassign-owner": owner.pk, "reassign-due_date": "2001-01-01"},
    )
    assert bad.status_code == 400 and "cannot be in the past" in bad.content.decode()
    client.post(f"/plan/tasks/{task.pk}/drop/", {"drop-note": "The board was briefed already."})
    task.refresh_from_db()
    assert task.status == "dropped" and task.drop_reason.startswith("The board")


def test_dashboard_panel(client_as, officer, owner, approver):
    assert 'id="plan-panel"' not in client_as(officer).get("/").content.decode()
    assess(officer, owner=owner)
    services.generate_plan(actor=officer)
    assert 'id="plan-panel"' in client_as(officer).get("/").content.decode()
    assert 'id="plan-panel"' in client_as(owner).get("/").content.decode()
    assert 'id="plan-panel"' not in client_as(approver).get("/").content.decode()
