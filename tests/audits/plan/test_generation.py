"""Generating the 90-day plan from the gap assessment: which gaps become tasks, in which
phase, for whom, due when; generating again adds nothing twice; nothing to plan is refused."""

from datetime import date, timedelta

import pytest

from aims.errors import RuleForbidden, TransitionNotAllowed
from audits.models import ControlStatement, Plan, PlanTask
from audits.plan import services
from audits.plan.services import generate_plan, generate_refusal

from .helpers import assess, record, task_of

pytestmark = pytest.mark.django_db

START = date(2026, 1, 5)


def gaps_expected() -> set[str]:
    """Applicable non-heading items not implemented: the readiness computation's gaps."""
    return set(
        ControlStatement.objects.filter(item__is_heading=False, applicable=True)
        .exclude(implementation_status="implemented")
        .values_list("item__code", flat=True)
    )


def test_nothing_to_plan_before_the_assessment(officer):
    refusal = generate_refusal(officer)
    assert isinstance(refusal, TransitionNotAllowed) and refusal.code == "no_assessment"
    with pytest.raises(TransitionNotAllowed) as refused:
        generate_plan(actor=officer)
    assert "gap assessment" in refused.value.message
    assert not PlanTask.objects.exists() and not Plan.objects.exists()


def test_one_task_per_gap_with_the_phasing_rule(officer, owner):
    assess(officer, owner=owner)
    generated = generate_plan(actor=officer, start=START, today=START)
    codes = {t.item.code for t in generated.created}
    assert codes == gaps_expected()
    assert "4.2" not in codes  # implemented
    assert "A.6.2.6" not in codes  # excluded from the SoA
    # Phase 1: foundations of clauses 4-6 not begun (not started or planned).
    assert task_of("4.1").phase == 1 and task_of("6.1.2").phase == 1
    # Phase 2: other clauses, and whatever is partly implemented.
    assert task_of("7.2").phase == 2 and task_of("10.2").phase == 2
    assert task_of("5.2").phase == 2 and task_of("A.2.2").phase == 2
    # Phase 3: Annex A controls not begun.
    assert task_of("A.7.4").phase == 3
    # No heading gets a task.
    assert not PlanTask.objects.filter(item__is_heading=True).exists()


def test_owners_and_due_dates(officer, owner, auditor):
    assess(officer, owner=owner)
    record(officer, "7.2", owner=auditor)  # an auditor only reads: the officer takes it
    generate_plan(actor=officer, start=START, today=START)
    assert task_of("4.1").owner == owner
    assert task_of("7.2").owner == officer
    assert task_of("A.7.4").owner == officer  # no owner on the SoA
    plan = Plan.objects.get()
    assert plan.start_date == START and plan.generated_by == officer
    assert task_of("4.1").due_date == START + timedelta(days=29)
    assert task_of("7.2").due_date == START + timedelta(days=59)
    assert task_of("A.7.4").due_date == START + timedelta(days=89)


def test_the_owner_is_told_once(officer, owner):
    assess(officer, owner=owner)
    generate_plan(actor=officer, start=START, today=START)
    notes = owner.notifications.all()
    assert notes.count() == 1 and "90-day plan" in notes.get().title


def test_generating_again_never_duplicates(officer, owner):
    assess(officer, owner=owner)
    first = generate_plan(actor=officer, start=START, today=START)
    count = PlanTask.objects.count()
    assert count == len(first.created)
    refusal = generate_refusal(officer)
    assert refusal is not None and refusal.code == "nothing_to_plan"
    with pytest.raises(TransitionNotAllowed):
        generate_plan(actor=officer)
    assert PlanTask.objects.count() == count
    # A new gap (an excluded control brought back) gets one task, the rest none.
    record(officer, "A.6.2.6", applicable=True, justification="")
    later = START + timedelta(days=40)
    again = generate_plan(actor=officer, start=date(2030, 1, 1), today=later)
    assert [t.item.code for t in again.created] == ["A.6.2.6"]
    assert Plan.objects.get().start_date == START  # the start is kept
    assert PlanTask.objects.count() == count + 1


def test_a_task_no_longer_to_do_leaves_its_gap_to_be_planned_again(officer):
    assess(officer)
    generate_plan(actor=officer, start=START, today=START)
    task = task_of("7.2")
    services.task_transition(actor=officer, task=task, action="drop", note="Wrong scope")
    again = generate_plan(actor=officer, today=START)
    assert [t.item.code for t in again.created] == ["7.2"]
    assert PlanTask.objects.filter(item__code="7.2").count() == 2


def test_a_late_task_is_not_created_overdue(officer):
    assess(officer)
    late = START + timedelta(days=45)
    generate_plan(actor=officer, start=START, today=late)
    # Phase 1's window has ended by then: its tasks are due today, not in the past.
    assert task_of("6.1.2").due_date == late


def test_only_officers_generate(owner, auditor, approver, officer):
    assess(officer)
    for user in (owner, auditor, approver):
        assert isinstance(generate_refusal(user), RuleForbidden)
        with pytest.raises(RuleForbidden):
            generate_plan(actor=user)
    assert not PlanTask.objects.exists()


def test_history_names_the_officer(officer):
    assess(officer)
    generate_plan(actor=officer, start=START, today=START)
    row = task_of("7.2").history.get()
    assert row.history_user == officer and "7.2" in row.history_change_reason
    assert Plan.objects.get().history.get().history_user == officer
