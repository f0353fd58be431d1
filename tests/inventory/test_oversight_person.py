"""The human-oversight person of an AI system and its place in the AIMS scope: naming an
oversight person on a high-tier system needs their in-date training for the
'human-oversight' responsibility, else it is refused with the missing courses (form, API and
service alike) unless a governance officer records an exception; the roles register follows."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from aims.competence import services as competence_services
from aims.errors import RuleForbidden
from aims.models import Course, ResponsibilityAssignment
from inventory import services
from inventory.models import AISystem

from ..factories import INTAKE_DATA, make_system

pytestmark = pytest.mark.django_db


@pytest.fixture
def oversight_course(officer) -> Course:
    course = competence_services.course_save(
        actor=officer,
        course=Course(),
        data={"title": "Human oversight of high-risk AI", "validity_months": 12},
    )
    role = competence_services.responsibility_get(
        competence_services.HUMAN_OVERSIGHT, actor=officer
    )
    competence_services.responsibility_save(
        actor=officer, responsibility=role, data={}, required_courses=[course]
    )
    return course


@pytest.fixture
def high_system(system):
    AISystem.objects.filter(pk=system.pk).update(risk_tier="high")
    system.refresh_from_db()
    return system


def trained(officer, person, course, days_ago=10):
    return competence_services.training_record_create(
        actor=officer,
        user=person,
        course=course,
        completed_on=timezone.localdate() - timedelta(days=days_ago),
    )


def oversight_assignments(system):
    return ResponsibilityAssignment.objects.filter(
        responsibility__key="human-oversight",
        scope_note=competence_services.oversight_scope(system.reference),
    )


def test_low_tier_system_needs_no_training(owner, other_owner, system, oversight_course):
    system = services.system_update(
        actor=owner, system=system, data={"oversight_person": other_owner}
    )
    assert system.oversight_person == other_owner
    assert oversight_assignments(system).get().user == other_owner


def test_high_tier_without_training_is_refused_with_the_missing_course(
    owner, other_owner, high_system, oversight_course
):
    with pytest.raises(competence_services.TrainingMissing) as exc:
        services.system_update(
            actor=owner, system=high_system, data={"oversight_person": other_owner}
        )
    assert "Human oversight of high-risk AI" in exc.value.message
    high_system.refresh_from_db()
    assert high_system.oversight_person is None
    assert not oversight_assignments(high_system).exists()


def test_expired_training_does_not_count(
    officer, owner, other_owner, high_system, oversight_course
):
    trained(officer, other_owner, oversight_course, days_ago=400)
    with pytest.raises(competence_services.TrainingMissing):
        services.system_update(
            actor=owner, system=high_system, data={"oversight_person": other_owner}
        )


def test_high_tier_with_in_date_training_is_accepted(
    officer, owner, other_owner, high_system, oversight_course
):
    trained(officer, other_owner, oversight_course)
    system = services.system_update(
        actor=owner, system=high_system, data={"oversight_person": other_owner}
    )
    assert system.oversight_person == other_owner
    assert "oversight person" in system.history.first().history_change_reason


def test_officer_exception_is_recorded_on_the_assignment(
    officer, other_owner, high_system, oversight_course
):
    system = services.system_update(
        actor=officer,
        system=high_system,
        data={
            "oversight_person": other_owner,
            "oversight_exception": "Trained in March",
            "oversight_exception_expires_on": timezone.localdate() + timedelta(days=60),
        },
    )
    assert system.oversight_person == other_owner
    assignment = oversight_assignments(system).get()
    assert assignment.training_exception == "Trained in March"
    assert assignment.exception_granted_by == officer
    assert assignment.exception_expires_on == timezone.localdate() + timedelta(days=60)
    assert "training exception" in system.history.first().history_change_reason


def test_owner_cannot_grant_the_exception(owner, other_owner, high_system, oversight_course):
    with pytest.raises(RuleForbidden):
        services.system_update(
            actor=owner,
            system=high_system,
            data={"oversight_person": other_owner, "oversight_exception": "Please"},
        )


def test_a_new_oversight_person_ends_the_previous_assignment(officer, owner, other_owner, system):
    services.system_update(actor=owner, system=system, data={"oversight_person": other_owner})
    services.system_update(actor=owner, system=system, data={"oversight_person": officer})
    current = competence_services.open_assignments().filter(
        scope_note=competence_services.oversight_scope(system.reference)
    )
    assert [a.user for a in current] == [officer]
    services.system_update(actor=owner, system=system, data={"oversight_person": None})
    assert not current.all().exists()


def test_without_the_responsibility_defined_the_rule_holds_nothing_back(
    owner, other_owner, high_system
):
    # The 'human-oversight' role is created on first use with no required course.
    system = services.system_update(
        actor=owner, system=high_system, data={"oversight_person": other_owner}
    )
    assert system.oversight_person == other_owner


def edit_form(system, **overrides) -> dict:
    data = {**INTAKE_DATA, "user_facing": "", "used_in_eu": "on", "review_cadence_months": 12}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_owner_edits_their_system_in_the_browser(client_as, owner, other_owner, system):
    """Regression: the form used to demand an owner from owners, who cannot change it."""
    url = reverse("inventory:system_edit", args=[system.pk])
    response = client_as(owner).post(url, edit_form(system, oversight_person=other_owner.pk))
    assert response.status_code == 302
    system.refresh_from_db()
    assert system.oversight_person == other_owner and system.in_aims_scope is False


def test_edit_form_refusal_names_the_course(
    client_as, owner, other_owner, high_system, oversight_course
):
    url = reverse("inventory:system_edit", args=[high_system.pk])
    response = client_as(owner).post(
        url, edit_form(high_system, oversight_person=other_owner.pk, in_aims_scope="on")
    )
    assert response.status_code == 409
    assert "Human oversight of high-risk AI" in response.content.decode()
    assert b"Oversight training exception" not in response.content  # officers only
    high_system.refresh_from_db()
    assert high_system.oversight_person is None


def test_edit_form_officer_exception_and_scope(
    client_as, officer, other_owner, high_system, oversight_course
):
    url = reverse("inventory:system_edit", args=[high_system.pk])
    client = client_as(officer)
    assert b"Oversight training exception" in client.get(url).content
    response = client.post(
        url,
        edit_form(
            high_system,
            owner=high_system.owner.pk,
            oversight_person=other_owner.pk,
            oversight_exception="Booked on the next course",
            oversight_exception_expires_on=(timezone.localdate() + timedelta(days=30)).isoformat(),
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    high_system.refresh_from_db()
    assert high_system.oversight_person == other_owner
    assert high_system.in_aims_scope is False  # unticked box
    detail = client.get(reverse("inventory:system_detail", args=[high_system.pk])).content.decode()
    assert 'id="oversight-person"' in detail and other_owner.get_full_name() in detail


def test_api_refusal_is_409_with_the_missing_courses(
    api_as, owner, other_owner, high_system, oversight_course
):
    url = reverse("api:system-detail", args=[high_system.pk])
    response = api_as(owner).patch(url, {"oversight_person": other_owner.pk}, format="json")
    assert response.status_code == 409, response.content
    body = response.json()
    assert body["code"] == "training_missing"
    assert body["extra"]["missing"] == ["Human oversight of high-risk AI"]


def test_api_officer_exception_and_read_back(
    api_as, officer, other_owner, high_system, oversight_course
):
    url = reverse("api:system-detail", args=[high_system.pk])
    client = api_as(officer)
    response = client.patch(
        url,
        {
            "oversight_person": other_owner.pk,
            "oversight_exception": "Interim",
            "oversight_exception_expires_on": str(timezone.localdate() + timedelta(days=30)),
            "in_aims_scope": False,
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["oversight_person"] == other_owner.pk
    assert body["oversight_person_username"] == other_owner.username
    assert body["in_aims_scope"] is False
    assert "oversight_exception" not in body


def test_intake_does_not_take_an_oversight_person(api_as, owner, other_owner):
    response = api_as(owner).post(
        reverse("api:system-list"),
        {**INTAKE_DATA, "oversight_person": other_owner.pk},
        format="json",
    )
    # Named in the refusal (it is set after intake), and no system is created.
    assert response.status_code == 400
    assert list(response.json()["extra"]["fields"]) == ["oversight_person"]
    assert not AISystem.objects.filter(name=INTAKE_DATA["name"]).exists()


def test_scope_filter_in_the_list_and_the_api(client_as, api_as, officer, owner):
    inside = make_system(owner, name="Inside the scope")
    outside = make_system(owner, name="Outside the scope")
    services.system_update(actor=officer, system=outside, data={"in_aims_scope": False})
    html = client_as(officer).get(reverse("inventory:system_list"), {"in_aims_scope": "no"})
    assert outside.name in html.content.decode() and inside.name not in html.content.decode()
    body = api_as(officer).get(reverse("api:system-list"), {"in_aims_scope": "yes"}).json()
    assert [s["id"] for s in body["results"]] == [inside.pk]
    assert (
        api_as(officer).get(reverse("api:system-list"), {"in_aims_scope": "maybe"}).status_code
        == 400
    )
