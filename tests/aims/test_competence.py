"""Competence and roles: completions expire after the course's validity, a responsibility is
refused to someone without in-date training (saying which courses are missing) unless an
officer records an exception, and the two responsibilities the application relies on exist
on first use."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from aims.competence import selectors, services
from aims.errors import RuleForbidden, TransitionNotAllowed
from aims.models import Course, Responsibility, ResponsibilityAssignment, TrainingRecord

pytestmark = pytest.mark.django_db


def make_course(officer, title="AI literacy", months=12, **extra) -> Course:
    data = {"title": title, "validity_months": months, **extra}
    return services.course_save(actor=officer, course=Course(), data=data)


def role_needing(officer, *courses, key="reviewer") -> Responsibility:
    return services.responsibility_save(
        actor=officer,
        responsibility=Responsibility(),
        data={"key": key, "title": key.title(), "responsibilities": "Reviews things"},
        required_courses=list(courses),
    )


def test_add_months_clamps_to_the_end_of_the_month():
    assert services.add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert services.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert services.add_months(date(2025, 11, 15), 3) == date(2026, 2, 15)


def test_completion_expires_after_the_course_validity(officer, owner):
    course = make_course(officer, months=24)
    record = services.training_record_create(
        actor=officer, user=owner, course=course, completed_on=date(2025, 3, 10)
    )
    assert record.expires_on == date(2027, 3, 10)
    assert record.recorded_by == officer
    last = record.history.first()
    assert last.history_user == officer and last.history_change_reason


def test_completion_without_validity_never_expires(officer, owner):
    course = make_course(officer, title="Induction", months=None)
    record = services.training_record_create(
        actor=officer, user=owner, course=course, completed_on=date(2025, 3, 10)
    )
    assert record.expires_on is None


def test_completion_in_the_future_is_refused(officer, owner):
    course = make_course(officer)
    with pytest.raises(ValidationError) as exc:
        services.training_record_create(
            actor=officer,
            user=owner,
            course=course,
            completed_on=timezone.localdate() + timedelta(days=1),
        )
    assert "completed_on" in exc.value.message_dict


@pytest.mark.parametrize("who", ["owner", "approver", "auditor", "nobody"])
def test_only_officers_record_training_and_keep_courses(request, officer, who):
    actor = request.getfixturevalue(who)
    course = make_course(officer)
    with pytest.raises(RuleForbidden):
        services.training_record_create(
            actor=actor, user=actor, course=course, completed_on=date(2025, 1, 1)
        )
    with pytest.raises(RuleForbidden):
        make_course(actor, title="Sneaky")
    assert TrainingRecord.objects.count() == 0


def test_missing_training_lists_required_courses_not_in_date(officer, owner):
    literacy = make_course(officer, "AI literacy", 12)
    oversight = make_course(officer, "Oversight", 12)
    role = role_needing(officer, literacy, oversight)
    today = timezone.localdate()
    # literacy in date; oversight expired
    services.training_record_create(
        actor=officer, user=owner, course=literacy, completed_on=today - timedelta(days=10)
    )
    services.training_record_create(
        actor=officer, user=owner, course=oversight, completed_on=today - timedelta(days=400)
    )
    assert services.missing_training(owner, role) == [oversight]
    # on a date before the literacy completion, both are missing
    assert services.missing_training(owner, role, on=today - timedelta(days=20)) == [
        literacy,
        oversight,
    ]


def test_assignment_without_training_is_refused_naming_the_courses(officer, owner):
    literacy = make_course(officer, "AI literacy", 12)
    role = role_needing(officer, literacy)
    with pytest.raises(services.TrainingMissing) as exc:
        services.responsibility_assign(actor=officer, responsibility=role, user=owner)
    assert exc.value.status_code == 409
    assert exc.value.code == "training_missing"
    assert "AI literacy" in exc.value.message
    assert exc.value.extra["missing"] == ["AI literacy"]
    assert ResponsibilityAssignment.objects.count() == 0


def test_assignment_with_in_date_training_goes_through(officer, owner):
    literacy = make_course(officer, "AI literacy", 12)
    role = role_needing(officer, literacy)
    services.training_record_create(
        actor=officer, user=owner, course=literacy, completed_on=timezone.localdate()
    )
    assignment = services.responsibility_assign(actor=officer, responsibility=role, user=owner)
    assert assignment.training_exception == "" and assignment.exception_granted_by is None
    assert assignment.assigned_by == officer
    assert assignment.history.first().history_user == officer


def test_officer_exception_is_recorded_with_who_granted_it(officer, owner):
    literacy = make_course(officer, "AI literacy", 12)
    role = role_needing(officer, literacy)
    assignment = services.responsibility_assign(
        actor=officer,
        responsibility=role,
        user=owner,
        exception_reason="Course booked for next month; covered by a trained colleague.",
        exception_expires_on=timezone.localdate() + timedelta(days=45),
    )
    assert assignment.training_exception.startswith("Course booked")
    assert assignment.exception_granted_by == officer
    assert assignment.exception_expires_on == timezone.localdate() + timedelta(days=45)
    assert "training exception" in assignment.history.first().history_change_reason


def test_an_exception_is_only_for_officers(officer, approver, owner, settings):
    from django.contrib.auth.models import Permission

    literacy = make_course(officer, "AI literacy", 12)
    role = role_needing(officer, literacy)
    # an approver given the right to assign, but not to grant exceptions
    approver.user_permissions.add(Permission.objects.get(codename="add_responsibilityassignment"))
    approver = type(approver).objects.get(pk=approver.pk)
    with pytest.raises(RuleForbidden) as exc:
        services.responsibility_assign(
            actor=approver, responsibility=role, user=owner, exception_reason="Trust me"
        )
    assert "governance officer" in exc.value.message


def test_duplicate_and_ended_assignments(officer, owner):
    role = role_needing(officer)
    assignment = services.responsibility_assign(actor=officer, responsibility=role, user=owner)
    with pytest.raises(TransitionNotAllowed):
        services.responsibility_assign(actor=officer, responsibility=role, user=owner)
    ended = services.assignment_end(actor=officer, assignment=assignment)
    assert ended.ends_on == timezone.localdate()
    with pytest.raises(TransitionNotAllowed):
        services.assignment_end(actor=officer, assignment=ended)


def test_well_known_responsibilities_are_created_once(officer):
    first = services.responsibility_get(services.HUMAN_OVERSIGHT, actor=officer)
    again = services.responsibility_get(services.HUMAN_OVERSIGHT)
    assert first.pk == again.pk and first.title
    assert Responsibility.objects.filter(key=services.HUMAN_OVERSIGHT).count() == 1
    assert first.history.first().history_user == officer
    with pytest.raises(Responsibility.DoesNotExist):
        services.responsibility_get("no-such-role")


def test_the_key_of_a_role_the_application_uses_cannot_change(officer):
    role = services.responsibility_get(services.APPROVER, actor=officer)
    with pytest.raises(ValidationError):
        services.responsibility_save(actor=officer, responsibility=role, data={"key": "committee"})


def test_required_course_change_is_in_the_history(officer):
    course = make_course(officer)
    role = role_needing(officer)
    before = role.history.count()
    services.responsibility_save(
        actor=officer, responsibility=role, data={}, required_courses=[course]
    )
    assert list(role.required_courses.all()) == [course]
    assert role.history.count() == before + 1
    assert role.history.first().history_change_reason == "Required training changed"


def test_oversight_check_only_for_high_tiers(officer, owner):
    course = make_course(officer, "Oversight", 12)
    role = services.responsibility_get(services.HUMAN_OVERSIGHT, actor=officer)
    services.responsibility_save(
        actor=officer, responsibility=role, data={}, required_courses=[course]
    )
    assert services.oversight_check(actor=owner, person=owner, risk_tier="medium") == ([], "")
    for tier in ("high", "prohibited"):
        with pytest.raises(services.TrainingMissing):
            services.oversight_check(actor=owner, person=owner, risk_tier=tier)


def test_expiring_list_leaves_out_renewed_training(officer, owner, other_owner):
    course = make_course(officer, months=12)
    today = timezone.localdate()
    soon = today - timedelta(days=350)  # expires in about two weeks
    for user in (owner, other_owner):
        services.training_record_create(actor=officer, user=user, course=course, completed_on=soon)
    services.training_record_create(
        actor=officer, user=other_owner, course=course, completed_on=today
    )
    expiring = list(selectors.expiring_records(user=officer, within_days=30))
    assert [r.user for r in expiring] == [owner]


def test_people_see_their_own_training_only(officer, owner, other_owner, auditor):
    course = make_course(officer)
    for user in (owner, other_owner):
        services.training_record_create(
            actor=officer, user=user, course=course, completed_on=date(2025, 6, 1)
        )
    assert {r.user for r in selectors.training_record_list(user=owner)} == {owner}
    assert selectors.training_record_list(user=auditor).count() == 2


def test_demo_data_loads_idempotently(officer):
    from django.contrib.auth import get_user_model

    from aims.competence import demo as demo_competence
    from tests.factories import user_with_role

    User = get_user_model()
    User.objects.filter(pk=officer.pk).update(username="officer")
    for name, role in (
        ("approver", "Approver"),
        ("approver2", "Approver"),
        ("owner", "System owner"),
    ):
        user_with_role(role, username=name)
    demo_competence.load(stdout=StringIO())
    counts = (
        Course.objects.count(),
        TrainingRecord.objects.count(),
        ResponsibilityAssignment.objects.count(),
    )
    demo_competence.load(stdout=StringIO())
    assert counts == (
        Course.objects.count(),
        TrainingRecord.objects.count(),
        ResponsibilityAssignment.objects.count(),
    )
    assert counts[0] == 3 and counts[2] == 2
    approver = Responsibility.objects.get(key=services.APPROVER)
    assert approver.required_courses.count() == 2
    statuses = selectors.training_record_list(
        user=User.objects.get(username="officer"), filters={"status": "expired"}
    )
    assert statuses.filter(user__username="owner").exists()
    assert (
        selectors.expiring_records(user=User.objects.get(username="officer"))
        .filter(user__username="approver2")
        .exists()
    )
