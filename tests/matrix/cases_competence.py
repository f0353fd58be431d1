"""Role-matrix rows for training and competence, roles and responsibilities (web and API).
The records are made through the real services as the world's officer (helpers below)."""

from datetime import date, timedelta

from django.utils import timezone

from aims.competence import services
from aims.models import Course, Responsibility, ResponsibilityAssignment, TrainingRecord

from .framework import (
    API_GATE_WRITE,
    API_LOGGED_IN,
    API_SYSTEM_READ,
    GATES_READ,
    GATES_WRITE,
    LOGGED_IN,
    SYSTEM_READ,
    Case,
    expect,
)
from .world import World

# fmt: off
#                                anonymous nobody owner other_owner officer approver auditor
# The catalogues (courses, responsibilities) are read by every role, not by a role-less user.
CATALOGUE_READ          = expect("login    403    ok    ok          ok      ok       ok")
API_CATALOGUE_READ      = expect("401      403    ok    ok          ok      ok       ok")
# Ending the owner's assignment: the owner sees it (their own) but may not end it.
END_ASSIGNMENT          = expect("login    404    403   404         ok      403      403")
# fmt: on


def course(w: World) -> Course:
    return w.once(
        "_course",
        lambda: services.course_save(
            actor=w.officer,
            course=Course(),
            data={"title": "Matrix AI literacy", "validity_months": 12},
        ),
    )


def record(w: World) -> TrainingRecord:
    return w.once(
        "_record",
        lambda: services.training_record_create(
            actor=w.officer, user=w.owner, course=course(w), completed_on=date(2026, 1, 10)
        ),
    )


def role(w: World) -> Responsibility:
    return w.once(
        "_role",
        lambda: services.responsibility_save(
            actor=w.officer,
            responsibility=Responsibility(),
            data={"key": "matrix-role", "title": "Matrix role", "responsibilities": "Check"},
        ),
    )


def assignment(w: World) -> ResponsibilityAssignment:
    return w.once(
        "_assignment",
        lambda: services.responsibility_assign(
            actor=w.officer, responsibility=role(w), user=w.owner
        ),
    )


def pk(make):
    return lambda w: {"pk": make(w).pk}


def records_count(w: World) -> int:
    return TrainingRecord.objects.count()


def courses_state(w: World) -> tuple:
    return tuple(Course.objects.order_by("pk").values_list("title", "validity_months"))


def roles_state(w: World) -> tuple:
    return tuple(Responsibility.objects.order_by("pk").values_list("key", "title"))


def assignments_state(w: World) -> tuple:
    return tuple(ResponsibilityAssignment.objects.order_by("pk").values_list("pk", "ends_on"))


def exception_state(w: World) -> tuple:
    return tuple(
        ResponsibilityAssignment.objects.order_by("pk").values_list("pk", "exception_expires_on")
    )


def new_exception(w: World) -> dict:
    return {
        "reason": "Matrix interim cover",
        "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
    }


def new_record(w: World) -> dict:
    return {"user": w.owner.pk, "course": course(w).pk, "completed_on": "2026-01-15"}


def new_course(w: World) -> dict:
    return {"title": "Matrix new course", "validity_months": 6, "is_active": True}


def new_role(w: World) -> dict:
    return {"key": "matrix-new", "title": "Matrix new role", "responsibilities": "Do it"}


def new_assignment(w: World) -> dict:
    return {"user": w.owner.pk, "starts_on": timezone.localdate().isoformat()}


CASES = [
    Case("competence:my_training", "GET", LOGGED_IN),
    Case("competence:person_training", "GET", SYSTEM_READ, kwargs=lambda w: {"pk": w.owner.pk},
         setup=record),
    Case("competence:record_list", "GET", LOGGED_IN, setup=record),
    Case("competence:record_add", "GET", GATES_WRITE),
    Case("competence:record_add", "POST", GATES_WRITE, data=new_record, effect=records_count),
    Case("competence:expiring", "GET", GATES_READ),
    Case("competence:course_list", "GET", CATALOGUE_READ, setup=course),
    Case("competence:course_add", "GET", GATES_WRITE),
    Case("competence:course_add", "POST", GATES_WRITE, data=new_course, effect=courses_state),
    Case("competence:course_detail", "GET", CATALOGUE_READ, kwargs=pk(course)),
    Case("competence:course_edit", "GET", GATES_WRITE, kwargs=pk(course)),
    Case("competence:course_edit", "POST", GATES_WRITE, kwargs=pk(course),
         data=lambda w: {"title": "Matrix renamed", "validity_months": 24, "is_active": "on"},
         effect=courses_state),
    Case("competence:responsibility_list", "GET", CATALOGUE_READ, setup=role),
    Case("competence:responsibility_add", "GET", GATES_WRITE),
    Case("competence:responsibility_add", "POST", GATES_WRITE, data=new_role,
         effect=roles_state),
    Case("competence:responsibility_detail", "GET", CATALOGUE_READ, kwargs=pk(role)),
    Case("competence:responsibility_edit", "GET", GATES_WRITE, kwargs=pk(role)),
    Case("competence:responsibility_edit", "POST", GATES_WRITE, kwargs=pk(role),
         data=lambda w: {"key": "matrix-role", "title": "Matrix renamed role",
                         "responsibilities": "Check"},
         effect=roles_state),
    Case("competence:assignment_add", "GET", GATES_WRITE, kwargs=pk(role)),
    Case("competence:assignment_add", "POST", GATES_WRITE, kwargs=pk(role),
         data=new_assignment, effect=assignments_state),
    Case("competence:assignment_end", "GET", END_ASSIGNMENT, kwargs=pk(assignment)),
    Case("competence:assignment_end", "POST", END_ASSIGNMENT, kwargs=pk(assignment),
         data=lambda w: {"ends_on": timezone.localdate().isoformat(), "reason": "Matrix"},
         effect=assignments_state),
    # --- API ---------------------------------------------------------------------------------
    Case("api:course-list", "GET", API_CATALOGUE_READ, setup=course),
    Case("api:course-list", "POST", API_GATE_WRITE, data=new_course, effect=courses_state),
    Case("api:course-detail", "GET", API_CATALOGUE_READ, kwargs=pk(course)),
    Case("api:course-detail", "PATCH", API_GATE_WRITE, kwargs=pk(course),
         data=lambda w: {"validity_months": 36}, effect=courses_state),
    Case("api:trainingrecord-list", "GET", API_LOGGED_IN, setup=record),
    Case("api:trainingrecord-list", "POST", API_GATE_WRITE, data=new_record,
         effect=records_count),
    Case("api:trainingrecord-detail", "GET", API_SYSTEM_READ, kwargs=pk(record)),
    Case("api:responsibility-list", "GET", API_CATALOGUE_READ, setup=role),
    Case("api:responsibility-list", "POST", API_GATE_WRITE, data=new_role, effect=roles_state),
    Case("api:responsibility-detail", "GET", API_CATALOGUE_READ, kwargs=pk(role)),
    Case("api:responsibility-detail", "PATCH", API_GATE_WRITE, kwargs=pk(role),
         data=lambda w: {"title": "Matrix API role"}, effect=roles_state),
    Case("api:responsibilityassignment-list", "GET", API_LOGGED_IN, setup=assignment),
    Case("api:responsibilityassignment-list", "POST", API_GATE_WRITE,
         data=lambda w: {"responsibility": role(w).pk, "user": w.owner.pk},
         effect=assignments_state),
    Case("api:responsibilityassignment-detail", "GET", API_SYSTEM_READ, kwargs=pk(assignment)),
    Case("competence:assignment_exception", "GET", END_ASSIGNMENT, kwargs=pk(assignment)),
    Case("competence:assignment_exception", "POST", END_ASSIGNMENT, kwargs=pk(assignment),
         data=new_exception, effect=exception_state),
    Case("api:responsibilityassignment-exception", "POST", API_GATE_WRITE,
         kwargs=pk(assignment), data=new_exception, effect=exception_state),
    Case("api:responsibilityassignment-end", "POST", API_GATE_WRITE, kwargs=pk(assignment),
         data=lambda w: {"reason": "Matrix"}, effect=assignments_state),
]  # fmt: skip
