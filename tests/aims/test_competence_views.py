"""Training and roles in the browser and the API: who sees whose training, the refusal of an
assignment without training (form error / 409) and the officer's exception, auditors read
everything and write nothing, and lists cost a fixed number of queries."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from aims.competence import services
from aims.models import Course, Responsibility, ResponsibilityAssignment, TrainingRecord

from ..factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(officer):
    return services.course_save(
        actor=officer,
        course=Course(),
        data={"title": "AI literacy essentials", "validity_months": 12, "is_ai_literacy": True},
    )


@pytest.fixture
def role(officer, course):
    return services.responsibility_save(
        actor=officer,
        responsibility=Responsibility(),
        data={"key": "reviewer", "title": "Model reviewer", "responsibilities": "Reviews"},
        required_courses=[course],
    )


def complete(officer, user, course, days_ago=5):
    return services.training_record_create(
        actor=officer,
        user=user,
        course=course,
        completed_on=timezone.localdate() - timedelta(days=days_ago),
    )


# --- Browser --------------------------------------------------------------------------------


def test_my_training_shows_my_roles_and_what_is_missing(client_as, officer, owner, course, role):
    services.responsibility_assign(
        actor=officer,
        responsibility=role,
        user=owner,
        exception_reason="Booked",
        exception_expires_on=timezone.localdate() + timedelta(days=30),
    )
    html = client_as(owner).get(reverse("competence:my_training")).content.decode()
    assert "Model reviewer" in html
    assert "Training missing or expired: AI literacy essentials" in html
    assert f"Training exception granted by {escape(officer.get_full_name())}: Booked" in html


def test_people_see_only_their_own_training_page(client_as, officer, owner, other_owner, course):
    complete(officer, other_owner, course)
    client = client_as(owner)
    assert (
        client.get(reverse("competence:person_training", args=[other_owner.pk])).status_code == 404
    )
    own = client.get(reverse("competence:person_training", args=[owner.pk]))
    assert own.status_code == 200
    assert escape(owner.get_full_name()) in own.content.decode()
    records = client.get(reverse("competence:record_list")).content.decode()
    assert other_owner.get_full_name() not in records


def test_officer_and_auditor_see_anyones_training(client_as, officer, auditor, owner, course):
    complete(officer, owner, course)
    for viewer in (officer, auditor):
        page = client_as(viewer).get(reverse("competence:person_training", args=[owner.pk]))
        assert page.status_code == 200
        assert "AI literacy essentials" in page.content.decode()


def test_assign_without_training_is_a_form_error_naming_the_course(client_as, officer, owner, role):
    url = reverse("competence:assignment_add", args=[role.pk])
    client = client_as(officer)
    today = timezone.localdate().isoformat()
    response = client.post(url, {"user": owner.pk, "starts_on": today})
    assert response.status_code == 409
    assert "AI literacy essentials" in response.content.decode()
    assert not ResponsibilityAssignment.objects.exists()
    response = client.post(
        url,
        {
            "user": owner.pk,
            "starts_on": today,
            "exception_reason": "Course next week",
            "exception_expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302
    assignment = ResponsibilityAssignment.objects.get()
    assert assignment.exception_granted_by == officer
    detail = client.get(reverse("competence:responsibility_detail", args=[role.pk]))
    assert (
        f"Granted by {escape(officer.get_full_name())}: Course next week" in detail.content.decode()
    )


def test_end_an_assignment_after_confirmation(client_as, officer, owner, role, course):
    complete(officer, owner, course)
    assignment = services.responsibility_assign(actor=officer, responsibility=role, user=owner)
    url = reverse("competence:assignment_end", args=[assignment.pk])
    client = client_as(officer)
    assert "will no longer hold" in client.get(url).content.decode()
    response = client.post(url, {"ends_on": timezone.localdate().isoformat(), "reason": "Left"})
    assert response.status_code == 302
    assignment.refresh_from_db()
    assert assignment.ends_on == timezone.localdate()


def test_record_a_completion_in_the_browser(client_as, officer, owner, course):
    response = client_as(officer).post(
        reverse("competence:record_add"),
        {"user": owner.pk, "course": course.pk, "completed_on": "2025-05-01", "notes": ""},
    )
    assert response.status_code == 302
    record = TrainingRecord.objects.get()
    assert record.expires_on.isoformat() == "2026-05-01"


@pytest.mark.parametrize("who", ["auditor", "approver", "owner"])
def test_read_only_roles_cannot_write(client_as, request, who, owner, course, role):
    user = request.getfixturevalue(who)
    client = client_as(user)
    today = timezone.localdate().isoformat()
    posts = [
        (
            reverse("competence:record_add"),
            {"user": owner.pk, "course": course.pk, "completed_on": today},
        ),
        (reverse("competence:course_add"), {"title": "New"}),
        (reverse("competence:course_edit", args=[course.pk]), {"title": "Renamed"}),
        (
            reverse("competence:responsibility_add"),
            {"key": "x", "title": "X", "responsibilities": "x"},
        ),
        (
            reverse("competence:assignment_add", args=[role.pk]),
            {"user": owner.pk, "starts_on": today},
        ),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert TrainingRecord.objects.count() == 0 and Course.objects.count() == 1
    assert ResponsibilityAssignment.objects.count() == 0


def test_course_list_shows_completion_counts(client_as, officer, owner, course):
    complete(officer, owner, course)
    complete(officer, officer, course, days_ago=500)  # expired: counted, not in date
    html = client_as(officer).get(reverse("competence:course_list")).content.decode()
    assert f'data-completions="{course.pk}">2<' in html


def test_expiring_page(client_as, officer, owner, course):
    complete(officer, owner, course, days_ago=350)
    html = client_as(officer).get(reverse("competence:expiring"), {"days": 30}).content.decode()
    assert owner.get_full_name() in html
    assert client_as(owner).get(reverse("competence:expiring")).status_code == 403


def test_dashboard_panel_lists_expiring_training(client_as, officer, owner, course):
    complete(officer, owner, course, days_ago=350)
    html = client_as(officer).get(reverse("aims:dashboard")).content.decode()
    assert 'id="training-panel"' in html and owner.get_full_name() in html


def test_menu_has_the_management_system_entries(client_as, officer, nobody):
    html = client_as(officer).get(reverse("aims:dashboard")).content.decode()
    for name in (
        "competence:my_training",
        "competence:responsibility_list",
        "evidence:evidence_list",
    ):
        assert reverse(name) in html
    assert (
        reverse("competence:responsibility_list")
        not in client_as(nobody).get(reverse("aims:dashboard")).content.decode()
    )


def test_lists_cost_a_fixed_number_of_queries(
    client_as, officer, course, role, django_assert_max_num_queries
):
    people = [user_with_role("System owner", username=f"p{i}") for i in range(30)]
    for person in people:
        complete(officer, person, course)
        services.responsibility_assign(actor=officer, responsibility=role, user=person)
    client = client_as(officer)
    names = [escape(person.get_full_name()) for person in people]
    for name, args, shows in (
        ("competence:record_list", [], names),
        ("competence:course_list", [], [course.title]),
        ("competence:course_detail", [course.pk], names),
        ("competence:responsibility_list", [], [role.title]),
        ("competence:responsibility_detail", [role.pk], names),
        ("competence:expiring", [], []),
    ):
        with django_assert_max_num_queries(16):
            response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        html = response.content.decode()
        # The rows are there (a full page of them), so the count is of a page, not of nothing.
        assert sum(text in html for text in shows) >= min(len(shows), 25), name


# --- API ------------------------------------------------------------------------------------


def test_api_assignment_refused_with_409_then_officer_exception(api_as, officer, owner, role):
    client = api_as(officer)
    url = reverse("api:responsibilityassignment-list")
    response = client.post(url, {"responsibility": role.pk, "user": owner.pk}, format="json")
    assert response.status_code == 409
    assert response.json()["extra"]["missing"] == ["AI literacy essentials"]
    response = client.post(
        url,
        {
            "responsibility": role.pk,
            "user": owner.pk,
            "exception_reason": "Interim cover",
            "exception_expires_on": str(timezone.localdate() + timedelta(days=30)),
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["training_exception"] == "Interim cover"
    assert body["exception_granted_by_username"] == officer.username
    end = client.post(
        reverse("api:responsibilityassignment-end", args=[body["id"]]), {}, format="json"
    )
    assert end.status_code == 200 and end.json()["ends_on"]


def test_api_training_records_and_courses(api_as, officer, owner, course):
    client = api_as(officer)
    response = client.post(
        reverse("api:trainingrecord-list"),
        {"user": owner.pk, "course": course.pk, "completed_on": "2025-01-31"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["expires_on"] == "2026-01-31"
    courses = client.get(reverse("api:course-list")).json()["results"]
    assert courses[0]["completions"] == 1
    bad = client.post(reverse("api:course-list"), {"validity_months": -1}, format="json")
    assert bad.status_code == 400 and "title" in bad.json()["extra"]["fields"]


def test_api_owner_sees_own_records_only(api_as, officer, owner, other_owner, course):
    complete(officer, owner, course)
    complete(officer, other_owner, course)
    body = api_as(owner).get(reverse("api:trainingrecord-list")).json()
    assert [r["user"] for r in body["results"]] == [owner.pk]


@pytest.mark.parametrize(
    "name,data",
    [
        ("api:course-list", {"title": "X"}),
        ("api:trainingrecord-list", {}),
        ("api:responsibility-list", {"key": "x", "title": "X", "responsibilities": "x"}),
        ("api:responsibilityassignment-list", {}),
    ],
)
def test_api_auditor_reads_but_never_writes(api_as, auditor, course, name, data):
    client = api_as(auditor)
    response = client.get(reverse(name))
    assert response.status_code == 200
    before = response.json()["count"]
    if name == "api:course-list":
        assert [c["title"] for c in response.json()["results"]] == [course.title]
    assert client.post(reverse(name), data, format="json").status_code == 403
    assert client.get(reverse(name)).json()["count"] == before


def test_api_nobody_cannot_read_the_catalogue(api_as, nobody, course):
    assert api_as(nobody).get(reverse("api:course-list")).status_code == 403
    assert api_as(nobody).get(reverse("api:trainingrecord-list")).json()["count"] == 0
