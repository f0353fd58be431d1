"""History battery entries for courses, training records, responsibilities and their
assignments (all written by governance officers)."""

from datetime import date

from django.db.models import Model

from aims.competence import services
from aims.models import Course, Responsibility, ResponsibilityAssignment, TrainingRecord

from .battery_framework import Entry, api, by_id
from .world import World

COURSE = {"title": "Battery course", "validity_months": 12}
ROLE = {"key": "battery-role", "title": "Battery role", "responsibilities": "Check things"}


def course(w: World) -> Course:
    return services.course_save(actor=w.officer, course=Course(), data=COURSE)


def role(w: World) -> Responsibility:
    return services.responsibility_save(actor=w.officer, responsibility=Responsibility(), data=ROLE)


BATTERY: dict[type[Model], Entry] = {
    Course: Entry(
        actor="officer",
        stage="intake_submitted",
        create=course,
        api_create=lambda w: ("post", api("course-list"), COURSE, "json"),
        api_bad=lambda w: ("post", api("course-list"), {"validity_months": "often"}, "json"),
        api_result=by_id(Course),
    ),
    TrainingRecord: Entry(
        actor="officer",
        stage="intake_submitted",
        create=lambda w: services.training_record_create(
            actor=w.officer, user=w.owner, course=course(w), completed_on=date(2026, 1, 5)
        ),
        api_create=lambda w: (
            "post",
            api("trainingrecord-list"),
            {"user": w.owner.pk, "course": course(w).pk, "completed_on": "2026-01-05"},
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("trainingrecord-list"),
            {"user": w.owner.pk, "course": 999999, "completed_on": "yesterday"},
            "json",
        ),
        api_result=by_id(TrainingRecord),
    ),
    Responsibility: Entry(
        actor="officer",
        stage="intake_submitted",
        create=role,
        api_create=lambda w: ("post", api("responsibility-list"), ROLE, "json"),
        api_bad=lambda w: (
            "post",
            api("responsibility-list"),
            {**ROLE, "key": "not a slug!"},
            "json",
        ),
        api_result=by_id(Responsibility),
    ),
    ResponsibilityAssignment: Entry(
        actor="officer",
        stage="intake_submitted",
        create=lambda w: services.responsibility_assign(
            actor=w.officer, responsibility=role(w), user=w.owner
        ),
        api_create=lambda w: (
            "post",
            api("responsibilityassignment-list"),
            {"responsibility": role(w).pk, "user": w.owner.pk},
            "json",
        ),
        api_bad=lambda w: (
            "post",
            api("responsibilityassignment-list"),
            {"responsibility": 999999, "user": w.owner.pk},
            "json",
        ),
        api_result=by_id(ResponsibilityAssignment),
    ),
}
