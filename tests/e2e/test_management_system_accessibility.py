"""The management-system and assurance pages in a real browser, with the demo records
present, as a governance officer: one h1, a main landmark, every visible control named, no
duplicate ids, decorative or labelled icons, a skip link that lands on the content, and no
horizontal scrolling at 1280 px. Then an objective's progress recorded with the keyboard only.

The pages are checked in groups (one test per area) so the demo world is loaded a few times
rather than once per page; every page of a group is checked and all problems are reported."""

from collections.abc import Callable

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from playwright.sync_api import Page, expect

from aims.models import Course, Evidence, Objective, Policy, Responsibility
from audits.models import (
    ControlStatement,
    Finding,
    InternalAudit,
    ManagementReview,
    SoAVersion,
)
from tests.e2e.ms_helpers import load_world, page_problems

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def management_system(users) -> list[str]:
    policy = Policy.objects.order_by("pk").first()
    objective = Objective.objects.order_by("pk").first()
    return [
        "/management-system/",
        "/management-system/policies/",
        f"/management-system/policies/{policy.pk}/",
        "/management-system/objectives/",
        f"/management-system/objectives/{objective.pk}/",
    ]


def competence(users) -> list[str]:
    course = Course.objects.order_by("pk").first()
    role = Responsibility.objects.filter(required_courses__isnull=False).first()
    return [
        "/training/",
        "/training/records/",
        "/training/courses/",
        f"/training/courses/{course.pk}/",
        "/training/expiring/",
        f"/training/people/{users['approver2'].pk}/",
        "/training/roles/",
        f"/training/roles/{role.pk}/",
    ]


def evidence_and_controls(users) -> list[str]:
    statement_type = ContentType.objects.get_for_model(ControlStatement)
    evidence = Evidence.objects.filter(target_type=statement_type).order_by("pk").first()
    statement = ControlStatement.objects.get(pk=evidence.target_id)
    version = SoAVersion.objects.order_by("number").first()
    return [
        "/evidence/",
        f"/evidence/{evidence.pk}/",
        "/controls/",
        f"/controls/{statement.pk}/",
        "/controls/readiness/",
        "/controls/versions/",
        f"/controls/versions/{version.number}/",
    ]


def audits_and_reviews(users) -> list[str]:
    closed = InternalAudit.objects.get(status=InternalAudit.Status.CLOSED)
    planned = InternalAudit.objects.exclude(status=InternalAudit.Status.CLOSED).first()
    finding = Finding.objects.order_by("pk").first()
    review = ManagementReview.objects.order_by("pk").first()
    return [
        "/internal-audits/",
        f"/internal-audits/{closed.pk}/",
        f"/internal-audits/{planned.pk}/",
        f"/internal-audits/findings/{finding.pk}/",
        "/internal-audits/reviews/",
        f"/internal-audits/reviews/{review.pk}/",
    ]


def reminders_and_notifications(users) -> list[str]:
    return ["/reminders/", "/notifications/"]


def audit_trail(users) -> list[str]:
    return ["/audits/trail/", "/audits/trail/?verify=1"]


AREAS: dict[str, Callable[[dict], list[str]]] = {
    "management-system": management_system,
    "competence": competence,
    "evidence-and-controls": evidence_and_controls,
    "audits-and-reviews": audits_and_reviews,
    "reminders-and-notifications": reminders_and_notifications,
    "audit-trail": audit_trail,
}


@pytest.mark.parametrize("area", list(AREAS))
def test_pages_are_accessible_at_1280_px(area, login):
    users = load_world()
    paths = AREAS[area](users)
    page = login(users["officer"])
    problems = {path: found for path in paths if (found := page_problems(page, path))}
    assert problems == {}, "\n".join(f"{p}: {'; '.join(f)}" for p, f in problems.items())


def tab_to(page: Page, condition: str, *, limit: int = 80) -> None:
    """Press Tab until ``condition`` (a JS expression on ``el``, the focused element) holds."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => {{ const el = document.activeElement; return !!({condition}); }}"):
            return
    raise AssertionError(f"{limit} presses of Tab never reached: {condition}")


def test_officer_records_objective_progress_with_the_keyboard_only(login):
    users = load_world()
    objective = Objective.objects.order_by("pk").first()
    readings = objective.updates.count()
    page = login(users["officer"])
    page.goto(f"/management-system/objectives/{objective.pk}/")

    # Skip the menus, then reach the "Record progress" link.
    tab_to(page, "el.textContent.trim() === 'Skip to main content'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("main")).to_be_focused()
    tab_to(page, "el.tagName === 'A' && el.textContent.trim() === 'Record progress'")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record progress on")

    tab_to(page, "el.id === 'id_value'")
    page.keyboard.type("87.5")
    tab_to(page, "el.id === 'id_recorded_on'")
    today = timezone.localdate()
    # "Measured on" arrives filled in with today: the keyboard user just moves on.
    assert page.input_value("#id_recorded_on") == today.isoformat()
    tab_to(page, "el.id === 'id_note'")
    page.keyboard.type("Quarterly count from the register")
    tab_to(page, "el.tagName === 'BUTTON' && el.textContent.trim() === 'Record'")
    page.keyboard.press("Enter")

    expect(page.get_by_role("status").first).to_contain_text(
        f"{objective.reference}: progress recorded"
    )
    expect(page.locator("#objective-current")).to_contain_text("87.5")
    expect(page.locator("#objective-updates")).to_contain_text("Quarterly count from the register")
    assert objective.updates.count() == readings + 1
    assert objective.updates.latest("pk").recorded_on == today
