"""Demo courses, completions, the two responsibilities the application relies on and the demo
approvers' assignments. Idempotent: courses are matched by title, completions by person and
course, assignments by person and responsibility. Everything goes through the services as the
demo governance officer."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from aims.competence import services
from aims.models import Course, TrainingRecord

User = get_user_model()

COURSES = [
    {
        "title": "AI literacy essentials",
        "description": "What AI systems can and cannot do, typical failure modes, automation "
        "bias, and how our AI policy applies to everyday work.",
        "provider": "Internal academy (e-learning)",
        "validity_months": 24,
        "is_ai_literacy": True,
    },
    {
        "title": "AI committee approver training",
        "description": "Reading a gate file: risk tier, residual risks, impact assessment, "
        "test evidence and conditions; segregation of duties.",
        "provider": "Governance office",
        "validity_months": 36,
        "is_ai_literacy": False,
    },
    {
        "title": "Human oversight of high-risk AI",
        "description": "Interpreting outputs, knowing when to override or stop a system, "
        "escalating incidents, and keeping oversight records.",
        "provider": "External trainer",
        "validity_months": 12,
        "is_ai_literacy": False,
    },
]
LITERACY, APPROVER_COURSE, OVERSIGHT_COURSE = (c["title"] for c in COURSES)

# username -> [(course title, completed how many days ago)]. approver2's approver training
# runs out within three weeks; owner's oversight training has expired.
COMPLETIONS: dict[str, list[tuple[str, int]]] = {
    "officer": [(LITERACY, 60), (APPROVER_COURSE, 200)],
    "approver": [(LITERACY, 180), (APPROVER_COURSE, 365)],
    "approver2": [(LITERACY, 400), (APPROVER_COURSE, 3 * 365 - 20)],
    "owner": [(LITERACY, 90), (OVERSIGHT_COURSE, 400)],
    "owner2": [(LITERACY, 120), (OVERSIGHT_COURSE, 45)],
    "auditor": [(LITERACY, 30)],
}
REQUIRED = {
    services.APPROVER: [LITERACY, APPROVER_COURSE],
    services.HUMAN_OVERSIGHT: [LITERACY, OVERSIGHT_COURSE],
}
ASSIGNED = {services.APPROVER: ["approver", "approver2"]}


def load(*, stdout) -> None:
    officer = User.objects.filter(username="officer").first()
    if officer is None:
        stdout.write("Competence demo skipped: the demo users are missing.")
        return
    users = {u.username: u for u in User.objects.filter(username__in=list(COMPLETIONS))}
    today = timezone.localdate()
    made = {"courses": 0, "completions": 0, "assignments": 0}

    courses = {}
    for spec in COURSES:
        course = Course.objects.filter(title=spec["title"]).first()
        if course is None:
            course = services.course_save(actor=officer, course=Course(), data=spec)
            made["courses"] += 1
        courses[course.title] = course

    for username, done in COMPLETIONS.items():
        user = users.get(username)
        if user is None:
            continue
        for title, days_ago in done:
            course = courses[title]
            if TrainingRecord.objects.filter(user=user, course=course).exists():
                continue
            services.training_record_create(
                actor=officer,
                user=user,
                course=course,
                completed_on=today - timedelta(days=days_ago),
                notes="Demo completion",
            )
            made["completions"] += 1

    for key, titles in REQUIRED.items():
        responsibility = services.responsibility_get(key, actor=officer)
        if not responsibility.required_courses.exists():
            services.responsibility_save(
                actor=officer,
                responsibility=responsibility,
                data={},
                required_courses=[courses[t] for t in titles],
            )
        for username in ASSIGNED.get(key, []):
            user = users.get(username)
            if user is None:
                continue
            held = services.open_assignments(today).filter(responsibility=responsibility, user=user)
            if held.exists():
                continue
            services.responsibility_assign(
                actor=officer, responsibility=responsibility, user=user, starts_on=today
            )
            made["assignments"] += 1
    stdout.write(
        "Competence demo: {courses} course(s), {completions} completion(s), "
        "{assignments} assignment(s) added.".format(**made)
    )
