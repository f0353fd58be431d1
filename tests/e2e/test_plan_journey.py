"""The 90-day plan in a real browser: an officer whose SoA holds a gap assessment generates
the plan from the empty state, finds a task of the first phase, and marks it done with a note
of what was done; the progress shows it."""

import pytest
from playwright.sync_api import expect

from aims.roles import OFFICER
from audits.models import ControlStatement, PlanTask
from audits.soa import services as soa_services
from tests.factories import user_with_role

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_officer_generates_the_plan_and_marks_a_task_done(login, screenshot):
    officer = user_with_role(OFFICER, username="e2e_plan_officer")
    for code, status in (("4.1", "planned"), ("4.2", "implemented"), ("A.2.2", "partial")):
        soa_services.statement_update(
            actor=officer,
            statement=ControlStatement.objects.get(item__code=code),
            data={"implementation_status": status, "owner": officer},
        )

    page = login(officer)
    page.goto("/plan/")
    expect(page.get_by_role("heading", level=2, name="No plan yet")).to_be_visible()
    page.get_by_role("button", name="Generate the 90-day plan").click()
    expect(page.locator(".alert-success")).to_contain_text("new tasks")
    total = PlanTask.objects.count()
    expect(page.locator("#plan-summary")).to_contain_text(f"0 of {total} tasks done")
    screenshot(page, "plan-generated")

    page.get_by_label("Phase", exact=True).select_option(label="Days 1-30")
    page.get_by_label("Search", exact=True).fill("4.1")
    page.get_by_role("button", name="Apply filters").click()
    task = PlanTask.objects.get(item__code="4.1")
    page.locator(f'tr[data-reference="{task.reference}"]').get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(task.reference)

    page.get_by_role("button", name="Start the task").click()
    expect(page.locator("#task-status")).to_have_text("In progress")
    page.get_by_label("What was done").fill("Context and interested parties recorded.")
    page.get_by_role("button", name="Mark done").click()
    expect(page.locator("#task-status")).to_have_text("Done")
    expect(page.locator("#task-done-note")).to_have_text("Context and interested parties recorded.")
    screenshot(page, "plan-task-done")

    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="90-day plan"
    ).click()
    expect(page.locator("#plan-summary")).to_contain_text(f"1 of {total} tasks done")
    expect(page.locator("#phase-1")).to_contain_text("1 of")
    task.refresh_from_db()
    assert task.status == "done" and task.done_at is not None
