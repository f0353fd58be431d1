"""Reads of courses, training records, responsibilities and assignments, restricted to the
user in SQL. Everyone sees their own training and roles; people with the model permission
through a role (officers, approvers, auditors) see everyone's."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from aims.competence.services import exception_in_force_q, in_date_q, open_assignments
from aims.models import Course, Responsibility, ResponsibilityAssignment, TrainingRecord
from aims.permissions import has_global_perm

User = get_user_model()

TRAINING_STATUSES = [
    ("in_date", "In date"),
    ("expiring", "Expiring soon"),
    ("expired", "Expired"),
]
DEFAULT_EXPIRING_DAYS = 30


def sees_everyones_training(user) -> bool:
    return has_global_perm(user, "aims.view_trainingrecord")


def sees_every_assignment(user) -> bool:
    return has_global_perm(user, "aims.view_responsibilityassignment")


def _renewed() -> Exists:
    """A later completion of the same course by the same person."""
    return Exists(
        TrainingRecord.objects.filter(
            user=OuterRef("user"),
            course=OuterRef("course"),
            completed_on__gt=OuterRef("completed_on"),
        )
    )


def training_record_list(*, user, filters: dict | None = None) -> QuerySet[TrainingRecord]:
    filters = filters or {}
    qs = TrainingRecord.objects.restrict(user).select_related("user", "course", "recorded_by")
    today = filters.get("on") or timezone.localdate()
    if filters.get("person"):
        qs = qs.filter(user_id=filters["person"])
    if filters.get("course"):
        qs = qs.filter(course_id=filters["course"])
    search = (filters.get("q") or "").strip()
    if search:
        qs = qs.filter(
            Q(course__title__icontains=search)
            | Q(user__username__icontains=search)
            | Q(user__first_name__icontains=search)
            | Q(user__last_name__icontains=search)
        )
    status = filters.get("status")
    days = filters.get("days") or DEFAULT_EXPIRING_DAYS
    if status == "in_date":
        qs = qs.filter(in_date_q(today))
    elif status == "expiring":
        qs = qs.filter(expires_on__gte=today, expires_on__lte=today + timedelta(days=days))
        qs = qs.exclude(_renewed())
    elif status == "expired":
        qs = qs.filter(expires_on__lt=today).exclude(_renewed())
    return qs.order_by("-completed_on", "-id")


def expiring_records(*, user, within_days: int = DEFAULT_EXPIRING_DAYS, on: date | None = None):
    """Completions that run out within ``within_days`` and were not renewed, soonest first."""
    qs = training_record_list(
        user=user, filters={"status": "expiring", "days": within_days, "on": on}
    )
    return qs.order_by("expires_on", "id")


def person_get(*, viewer, pk: int):
    """A person whose training the viewer may see, or User.DoesNotExist (a 404)."""
    if not viewer.is_authenticated:
        raise User.DoesNotExist
    if pk != viewer.pk and not sees_everyones_training(viewer):
        raise User.DoesNotExist
    return User.objects.get(pk=pk)


@dataclass
class RoleStatus:
    assignment: ResponsibilityAssignment
    missing: list[Course] = field(default_factory=list)


@dataclass
class PersonTraining:
    person: object
    records: list[TrainingRecord]
    roles: list[RoleStatus]
    in_date_course_ids: set[int]
    on: date


def person_training(*, person, on: date | None = None) -> PersonTraining:
    """A person's completions and current roles, each role with the courses still missing.
    Four queries, whatever the number of records or roles."""
    on = on or timezone.localdate()
    records = list(
        TrainingRecord.objects.filter(user=person)
        .select_related("course", "recorded_by")
        .order_by("-completed_on", "-id")
    )
    held = {
        r.course_id
        for r in records
        if r.completed_on <= on and (r.expires_on is None or r.expires_on >= on)
    }
    assignments = (
        open_assignments(on)
        .filter(user=person)
        .select_related("responsibility", "exception_granted_by", "assigned_by")
        .prefetch_related("responsibility__required_courses")
    )
    roles = [
        RoleStatus(a, [c for c in a.responsibility.required_courses.all() if c.pk not in held])
        for a in assignments
    ]
    return PersonTraining(person, records, roles, held, on)


def course_list(*, user, filters: dict | None = None) -> QuerySet[Course]:
    """Courses with how many completions, and how many people are in date today."""
    filters = filters or {}
    today = timezone.localdate()
    qs = Course.objects.restrict(user).annotate(
        completions=Count("records", distinct=True),
        people_in_date=Count("records__user", filter=in_date_q(today, "records__"), distinct=True),
    )
    search = (filters.get("q") or "").strip()
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(provider__icontains=search))
    if filters.get("active_only"):
        qs = qs.filter(is_active=True)
    return qs.order_by("title", "id")


def course_completions(*, user, course: Course) -> QuerySet[TrainingRecord]:
    return training_record_list(user=user, filters={"course": course.pk})


def responsibility_list(*, user, filters: dict | None = None) -> QuerySet[Responsibility]:
    filters = filters or {}
    today = timezone.localdate()
    current = Q(assignments__starts_on__lte=today) & (
        Q(assignments__ends_on__isnull=True) | Q(assignments__ends_on__gt=today)
    )
    qs = (
        Responsibility.objects.restrict(user)
        .annotate(holders=Count("assignments", filter=current, distinct=True))
        .prefetch_related(Prefetch("required_courses", queryset=Course.objects.order_by("title")))
    )
    search = (filters.get("q") or "").strip()
    if search:
        qs = qs.filter(Q(title__icontains=search) | Q(responsibilities__icontains=search))
    return qs.order_by("title", "id")


def assignment_list(*, user, filters: dict | None = None) -> QuerySet[ResponsibilityAssignment]:
    filters = filters or {}
    qs = ResponsibilityAssignment.objects.restrict(user).select_related(
        "responsibility", "user", "assigned_by", "exception_granted_by"
    )
    if filters.get("current", True):
        today = timezone.localdate()
        qs = qs.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=today))
    if filters.get("responsibility"):
        qs = qs.filter(responsibility_id=filters["responsibility"])
    if filters.get("person"):
        qs = qs.filter(user_id=filters["person"])
    if filters.get("with_exception"):
        qs = qs.exclude(training_exception="")
    return qs.order_by("responsibility__title", "user__username", "id")


def assignment_get(*, user, pk: int) -> ResponsibilityAssignment:
    return assignment_list(user=user, filters={"current": False}).get(pk=pk)


def untrained_for(key: str, user_ids, on: date) -> set[int]:
    """Of ``user_ids``, those without in-date training for every course the responsibility
    ``key`` requires (empty when it requires none). Three queries whatever the number."""
    required = set(
        Responsibility.required_courses.through.objects.filter(responsibility__key=key).values_list(
            "course_id", flat=True
        )
    )
    if not required:
        return set()
    held: dict[int, set[int]] = {}
    for user_id, course_id in TrainingRecord.objects.filter(
        in_date_q(on), user_id__in=user_ids, course_id__in=required
    ).values_list("user_id", "course_id"):
        held.setdefault(user_id, set()).add(course_id)
    return {pk for pk in user_ids if required - held.get(pk, set())}


def training_exceptions(key: str, user_ids, on: date) -> set[tuple[int, str]]:
    """(user id, scope note) of the open assignments of ``key`` that stand on an officer's
    training exception still in force on ``on``."""
    return set(
        open_assignments(on)
        .filter(exception_in_force_q(on), responsibility__key=key, user_id__in=user_ids)
        .values_list("user_id", "scope_note")
    )


def exceptions_ending(*, user, within_days: int = DEFAULT_EXPIRING_DAYS, on: date | None = None):
    """Current assignments standing on a training exception that ends within ``within_days``
    or has ended (or has no end date), while the holder still lacks the training; soonest
    first. Empty for those who may not see every assignment."""
    on = on or timezone.localdate()
    if not sees_every_assignment(user):
        return []
    candidates = list(
        open_assignments(on)
        .exclude(training_exception="")
        .filter(
            Q(exception_expires_on__isnull=True)
            | Q(exception_expires_on__lte=on + timedelta(days=within_days))
        )
        .select_related("responsibility", "user", "exception_granted_by")
        .order_by("exception_expires_on", "id")
    )
    lacking: dict[str, set[int]] = {}
    for key in {a.responsibility.key for a in candidates}:
        lacking[key] = untrained_for(
            key, [a.user_id for a in candidates if a.responsibility.key == key], on
        )
    ending = [a for a in candidates if a.user_id in lacking[a.responsibility.key]]
    for a in ending:
        a.exception_expired = a.exception_expires_on is None or a.exception_expires_on < on
    return ending
