"""Writes of competence and roles (ISO/IEC 42001 5.3, 7.2, 7.3; EU AI Act Article 4).

Courses are what people learn; a training record is one person's completion, in date until
``expires_on`` (``completed_on`` plus the course's validity). A responsibility names the
courses its holders need; assigning someone without in-date training for all of them is
refused and says which courses are missing, unless a governance officer records why the
assignment should stand anyway (the reason and the officer stay on the assignment).

Two responsibilities are used by the application itself and found by their key:
``approver`` (gate decisions) and ``human-oversight`` (the person named to oversee an AI
system). Human oversight of a high-tier system is checked here too; aims does not import
the inventory, so the inventory passes the system's reference and tier in.
"""

import calendar
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from aims.errors import BusinessRuleError, Code, RuleForbidden, TransitionNotAllowed
from aims.history import save_with_history, stamp
from aims.models import Course, Responsibility, ResponsibilityAssignment, TrainingRecord
from aims.permissions import has_global_perm, require_global

APPROVER = "approver"
HUMAN_OVERSIGHT = "human-oversight"
# Tiers (inventory.RiskTier values) whose oversight person needs in-date training. A
# prohibited system sits above high: its oversight is at least as demanding.
HIGH_TIERS = frozenset({"high", "prohibited"})

# Title, responsibilities and authorities of the responsibilities the application relies on.
WELL_KNOWN: dict[str, tuple[str, str, str]] = {
    APPROVER: (
        "AI committee approver",
        "Decides intake, release and change gates of AI systems on the evidence in front of "
        "them; records conditions and reasons; never decides on a system they own.",
        "May approve, approve with conditions, request changes or reject at a gate.",
    ),
    HUMAN_OVERSIGHT: (
        "Human oversight of an AI system",
        "Watches a system's outputs in use, understands its limits, spots automation bias "
        "and intervenes when the system goes wrong.",
        "May pause the system's use, override or disregard an output and raise an incident.",
    ),
}

COURSE_FIELDS = (
    "title",
    "description",
    "provider",
    "validity_months",
    "is_ai_literacy",
    "is_active",
)
RESPONSIBILITY_FIELDS = ("key", "title", "responsibilities", "authorities")


class TrainingMissing(BusinessRuleError):
    """The person lacks in-date training the responsibility requires (HTTP 409)."""

    status_code = 409


def add_months(start: date, months: int) -> date:
    """``start`` plus whole months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def expiry_for(course: Course, completed_on: date) -> date | None:
    return add_months(completed_on, course.validity_months) if course.validity_months else None


# --- Reads the rules need -------------------------------------------------------------------


def in_date_q(on: date, prefix: str = "") -> Q:
    """Training records that count on ``on``: completed by then and not expired."""
    return Q(**{f"{prefix}completed_on__lte": on}) & (
        Q(**{f"{prefix}expires_on__isnull": True}) | Q(**{f"{prefix}expires_on__gte": on})
    )


def exception_in_force_q(on: date, prefix: str = "") -> Q:
    """Assignments whose training exception still counts on ``on``: one was recorded and its
    expiry date has not passed. An exception without an expiry date counts no longer."""
    return ~Q(**{f"{prefix}training_exception": ""}) & Q(
        **{f"{prefix}exception_expires_on__gte": on}
    )


def missing_training(user, responsibility: Responsibility, on: date | None = None) -> list[Course]:
    """The courses ``responsibility`` requires for which ``user`` has no in-date record."""
    on = on or timezone.localdate()
    held = TrainingRecord.objects.filter(in_date_q(on), user=user).values("course_id")
    return list(responsibility.required_courses.exclude(pk__in=held).order_by("title"))


def uncovered_training(*, person, key: str, scope_note: str | None = None, on=None) -> list[Course]:
    """The courses the responsibility ``key`` requires that ``person`` has no in-date record
    of, or [] when an officer's exception still in force covers them (on a current assignment
    of ``key``, for ``scope_note`` when given). A read: nothing is created, and a
    responsibility nobody defined requires nothing.

    The one rule behind the gates' competence checks: an approver deciding a gate, and the
    oversight person a release gate needs."""
    on = on or timezone.localdate()
    responsibility = Responsibility.objects.filter(key=key).first()
    if responsibility is None or person is None:
        return []
    missing = missing_training(person, responsibility, on)
    if not missing:
        return []
    excepted = open_assignments(on).filter(
        exception_in_force_q(on), responsibility=responsibility, user=person
    )
    if scope_note is not None:
        excepted = excepted.filter(scope_note=scope_note)
    return [] if excepted.exists() else missing


def responsibility_get(key: str, *, actor=None) -> Responsibility:
    """The responsibility with ``key``; the two the application relies on are created on first
    use with a default description (officers may reword it and name the required courses)."""
    found = Responsibility.objects.filter(key=key).first()
    if found is not None:
        return found
    if key not in WELL_KNOWN:
        raise Responsibility.DoesNotExist(f"No responsibility '{key}'.")
    title, responsibilities, authorities = WELL_KNOWN[key]
    responsibility = Responsibility(
        key=key, title=title, responsibilities=responsibilities, authorities=authorities
    )
    try:
        with transaction.atomic():  # a savepoint: a concurrent first use may win the race
            save_with_history(
                responsibility,
                actor=actor,
                reason="Created by the application (a role it relies on)",
            )
    except (IntegrityError, ValidationError):
        return Responsibility.objects.get(key=key)
    return responsibility


def _missing_message(person, responsibility: Responsibility, missing: list[Course]) -> str:
    names = ", ".join(f"'{c.title}'" for c in missing)
    who = person.get_full_name() or person.get_username()
    return (
        f"{who} cannot take the responsibility '{responsibility.title}': no in-date training "
        f"for {names}. Record the training first, or a governance officer may record an "
        "exception with the reason."
    )


def check_training(
    *,
    actor,
    person,
    responsibility: Responsibility,
    exception_reason: str = "",
    exception_expires_on: date | None = None,
    on=None,
) -> tuple[list[Course], str]:
    """Refuse (409) when ``person`` lacks required training and no exception is given; refuse
    (403) an exception from someone who may not grant one, and (400) one without an expiry
    date after today. Returns (missing, exception)."""
    missing = missing_training(person, responsibility, on)
    exception_reason = (exception_reason or "").strip()
    if not missing:
        return [], ""
    if not exception_reason:
        raise TrainingMissing(
            _missing_message(person, responsibility, missing),
            code=Code.TRAINING_MISSING,
            extra={"missing": [c.title for c in missing], "missing_ids": [c.pk for c in missing]},
        )
    if not has_global_perm(actor, "aims.grant_training_exception"):
        raise RuleForbidden(
            "Only a governance officer can record an exception to the required training.",
            code=Code.PERMISSION_DENIED,
        )
    check_exception_expiry(exception_expires_on)
    return missing, exception_reason


def check_exception_expiry(expires_on: date | None) -> None:
    """A training exception ends on a date after today; it stops counting after that day."""
    if expires_on is None:
        raise ValidationError(
            {
                "exception_expires_on": [
                    "Give the date the exception ends: it stops counting after that day."
                ]
            }
        )
    if expires_on <= timezone.localdate():
        raise ValidationError({"exception_expires_on": ["The exception must end after today."]})


# --- Courses and training records -----------------------------------------------------------


@transaction.atomic
def course_save(*, actor, course: Course, data: dict) -> Course:
    creating = course.pk is None
    require_global(
        actor,
        "aims.add_course" if creating else "aims.change_course",
        message="Only governance officers keep the course catalogue.",
    )
    unknown = set(data) - set(COURSE_FIELDS)
    if unknown:
        raise BusinessRuleError(f"Unknown fields: {', '.join(sorted(unknown))}", code=Code.INVALID)
    for field, value in data.items():
        setattr(course, field, value)
    save_with_history(course, actor=actor, reason="Course added" if creating else "Course edited")
    return course


@transaction.atomic
def training_record_create(
    *, actor, user, course: Course, completed_on: date, notes: str = ""
) -> TrainingRecord:
    """Record that ``user`` completed ``course``; it expires after the course's validity."""
    require_global(
        actor, "aims.add_trainingrecord", message="Only governance officers record training."
    )
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": ["A completion cannot lie in the future."]})
    if not course.is_active:
        raise ValidationError({"course": ["This course is retired; pick a current one."]})
    record = TrainingRecord(
        user=user,
        course=course,
        completed_on=completed_on,
        expires_on=expiry_for(course, completed_on),
        notes=notes,
        recorded_by=actor,
    )
    save_with_history(record, actor=actor, reason=f"Completion of '{course.title}' recorded")
    return record


# --- Responsibilities and assignments -------------------------------------------------------


@transaction.atomic
def responsibility_save(
    *, actor, responsibility: Responsibility, data: dict, required_courses=None
) -> Responsibility:
    creating = responsibility.pk is None
    require_global(
        actor,
        "aims.add_responsibility" if creating else "aims.change_responsibility",
        message="Only governance officers define responsibilities.",
    )
    unknown = set(data) - set(RESPONSIBILITY_FIELDS)
    if unknown:
        raise BusinessRuleError(f"Unknown fields: {', '.join(sorted(unknown))}", code=Code.INVALID)
    renamed = not creating and data.get("key", responsibility.key) != responsibility.key
    if renamed and responsibility.key in WELL_KNOWN:
        raise ValidationError(
            {"key": ["The application relies on this key; it cannot be changed."]}
        )
    changed = [f for f, value in data.items() if getattr(responsibility, f) != value]
    for field, value in data.items():
        setattr(responsibility, field, value)
    wanted = None if required_courses is None else {c.pk for c in required_courses}
    if creating:
        save_with_history(responsibility, actor=actor, reason="Responsibility defined")
        if wanted:
            responsibility.required_courses.set(wanted)
        return responsibility
    courses_changed = wanted is not None and wanted != set(
        responsibility.required_courses.values_list("pk", flat=True)
    )
    if not changed and not courses_changed:
        return responsibility
    reasons = (["Responsibility edited"] if changed else []) + (
        ["Required training changed"] if courses_changed else []
    )
    # The stamp (set by _save, or alone when only the courses change) must come before the
    # .set(): the relation's history row takes its actor and reason from it.
    if changed:
        save_with_history(responsibility, actor=actor, reason="; ".join(reasons))
    else:
        stamp(responsibility, actor=actor, reason="; ".join(reasons))
    if courses_changed:
        responsibility.required_courses.set(wanted)
    return responsibility


def open_assignments(on: date | None = None) -> QuerySet[ResponsibilityAssignment]:
    on = on or timezone.localdate()
    return ResponsibilityAssignment.objects.filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=on), starts_on__lte=on
    )


def _create_assignment(
    *,
    actor,
    responsibility,
    person,
    starts_on,
    scope_note,
    missing,
    exception,
    reason,
    exception_expires_on=None,
) -> ResponsibilityAssignment:
    assignment = ResponsibilityAssignment(
        responsibility=responsibility,
        user=person,
        scope_note=scope_note,
        starts_on=starts_on,
        assigned_by=actor,
    )
    if missing:
        assignment.training_exception = exception
        assignment.exception_granted_by = actor
        assignment.exception_expires_on = exception_expires_on
        names = ", ".join(c.title for c in missing)
        reason = (
            f"{reason}; training exception for {names} granted by {actor} until "
            f"{exception_expires_on:%Y-%m-%d}: {exception}"
        )
    save_with_history(assignment, actor=actor, reason=reason)
    return assignment


@transaction.atomic
def responsibility_assign(
    *,
    actor,
    responsibility: Responsibility,
    user,
    starts_on: date | None = None,
    scope_note: str = "",
    exception_reason: str = "",
    exception_expires_on: date | None = None,
) -> ResponsibilityAssignment:
    """Give ``user`` a responsibility; refused when their training is not in date, unless an
    officer records an exception (kept on the assignment with their name, until its expiry
    date)."""
    require_global(
        actor, "aims.add_responsibilityassignment", message="Only governance officers assign roles."
    )
    if not user.is_active:
        raise ValidationError({"user": ["This account is deactivated."]})
    starts_on = starts_on or timezone.localdate()
    duplicate = open_assignments(starts_on).filter(
        responsibility=responsibility, user=user, scope_note=scope_note
    )
    if duplicate.exists():
        raise TransitionNotAllowed(
            f"{user} already holds '{responsibility.title}'"
            + (f" for {scope_note}." if scope_note else "."),
            code=Code.ALREADY_ASSIGNED,
        )
    missing, exception = check_training(
        actor=actor,
        person=user,
        responsibility=responsibility,
        exception_reason=exception_reason,
        exception_expires_on=exception_expires_on,
        on=starts_on,
    )
    return _create_assignment(
        actor=actor,
        responsibility=responsibility,
        person=user,
        starts_on=starts_on,
        scope_note=scope_note,
        missing=missing,
        exception=exception,
        exception_expires_on=exception_expires_on,
        reason=f"'{responsibility.title}' assigned to {user}",
    )


@transaction.atomic
def assignment_record_exception(
    *, actor, assignment: ResponsibilityAssignment, reason: str, expires_on: date | None
) -> ResponsibilityAssignment:
    """Record (or renew) an officer's training exception on a current assignment: why it
    stands without the training, until when."""
    require_global(
        actor,
        "aims.grant_training_exception",
        message="Only a governance officer can record an exception to the required training.",
    )
    assignment = ResponsibilityAssignment.objects.select_for_update().get(pk=assignment.pk)
    today = timezone.localdate()
    if assignment.ends_on is not None and assignment.ends_on <= today:
        raise TransitionNotAllowed("This assignment has already ended.", code=Code.ALREADY_ENDED)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ["Say why the assignment stands without the training."]})
    check_exception_expiry(expires_on)
    renewed = bool(assignment.training_exception)
    assignment.training_exception = reason
    assignment.exception_granted_by = actor
    assignment.exception_expires_on = expires_on
    save_with_history(
        assignment,
        actor=actor,
        reason=f"Training exception {'renewed' if renewed else 'recorded'} by {actor} until "
        f"{expires_on:%Y-%m-%d}: {reason}",
    )
    return assignment


@transaction.atomic
def assignment_end(
    *, actor, assignment: ResponsibilityAssignment, ends_on: date | None = None, reason: str = ""
) -> ResponsibilityAssignment:
    require_global(
        actor,
        "aims.change_responsibilityassignment",
        message="Only governance officers end assignments.",
    )
    assignment = ResponsibilityAssignment.objects.select_for_update().get(pk=assignment.pk)
    ends_on = ends_on or timezone.localdate()
    if assignment.ends_on is not None and assignment.ends_on <= timezone.localdate():
        raise TransitionNotAllowed("This assignment has already ended.", code=Code.ALREADY_ENDED)
    if ends_on < assignment.starts_on:
        raise ValidationError({"ends_on": ["The end cannot come before the start."]})
    assignment.ends_on = ends_on
    save_with_history(
        assignment, actor=actor, reason=reason or f"Assignment ended on {ends_on:%Y-%m-%d}"
    )
    return assignment


# --- Human oversight of an AI system --------------------------------------------------------


def oversight_scope(system_reference: str) -> str:
    return f"Human oversight of {system_reference}"


def oversight_check(
    *,
    actor,
    person,
    risk_tier: str,
    exception_reason: str = "",
    exception_expires_on: date | None = None,
) -> tuple[list[Course], str]:
    """May ``person`` oversee a system of ``risk_tier``? High tiers need in-date training for
    the 'human-oversight' responsibility's courses; refused (409) with the missing courses,
    unless an officer gives an exception reason. Returns (missing, exception)."""
    if person is None or risk_tier not in HIGH_TIERS:
        return [], ""
    responsibility = responsibility_get(HUMAN_OVERSIGHT, actor=actor)
    return check_training(
        actor=actor,
        person=person,
        responsibility=responsibility,
        exception_reason=exception_reason,
        exception_expires_on=exception_expires_on,
    )


def oversight_record(
    *,
    actor,
    person,
    system_reference: str,
    missing: list[Course],
    exception: str,
    exception_expires_on: date | None = None,
) -> ResponsibilityAssignment | None:
    """Keep the roles register in step with a system's oversight person: end the assignments
    of whoever oversaw ``system_reference`` before, and assign ``person`` (with the exception,
    if one was granted). Called by the inventory inside its own transaction."""
    scope = oversight_scope(system_reference)
    responsibility = responsibility_get(HUMAN_OVERSIGHT, actor=actor)
    today = timezone.localdate()
    current = open_assignments(today).filter(responsibility=responsibility, scope_note=scope)
    kept = None
    for assignment in current.select_related("user"):
        if person is not None and assignment.user_id == person.pk and not missing:
            kept = assignment
            continue
        assignment.ends_on = today
        save_with_history(
            assignment, actor=actor, reason=f"No longer the oversight person of {system_reference}"
        )
    if person is None or kept is not None:
        return kept
    return _create_assignment(
        actor=actor,
        responsibility=responsibility,
        person=person,
        starts_on=today,
        scope_note=scope,
        missing=missing,
        exception=exception,
        exception_expires_on=exception_expires_on,
        reason=f"Named oversight person of {system_reference}",
    )
