"""Plan tasks: the transition table (refusals change nothing, history included), who may do
what, reassigning, adding by hand, the reminders and the progress figures."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from aims.errors import BusinessRuleError, RuleForbidden, TransitionNotAllowed
from aims.models import Notification
from aims.reminders.sweep import run_sweep
from audits.models import PlanTask
from audits.plan import services
from audits.plan.selectors import plan_progress

from ...factories import user_with_role

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def add(officer, owner, *, phase=1, due=None, title="Write the AI policy") -> PlanTask:
    return services.task_create(
        actor=officer,
        title=title,
        description="Draft, approve and publish it.",
        phase=phase,
        owner=owner,
        due_date=due or TODAY + timedelta(days=10),
    )


def state(task: PlanTask) -> tuple:
    row = PlanTask.objects.get(pk=task.pk)
    return (row.status, row.done_note, row.drop_reason, row.done_at, row.history.count())


def test_the_owner_starts_and_finishes_their_task(officer, owner):
    task = add(officer, owner)
    assert services.available_actions(owner, task) == ["start", "done"]
    task = services.task_transition(actor=owner, task=task, action="start")
    assert task.status == "in_progress"
    task = services.task_transition(
        actor=owner, task=task, action="done", note="Policy approved on 3 March."
    )
    assert task.status == "done" and task.done_at is not None
    assert task.done_note == "Policy approved on 3 March."
    reasons = list(
        task.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )
    assert reasons[-1].startswith("Mark done: Policy approved")
    assert task.history.latest().history_user == owner


@pytest.mark.parametrize(
    ("action", "note", "error", "code"),
    [
        ("done", "", BusinessRuleError, "note_required"),
        ("drop", "  ", BusinessRuleError, "reason_required"),
        ("fly", "x", TransitionNotAllowed, "unknown_action"),
    ],
)
def test_a_refused_action_changes_nothing(officer, owner, action, note, error, code):
    task = add(officer, owner)
    before = state(task)
    with pytest.raises(error) as refused:
        services.task_transition(actor=officer, task=task, action=action, note=note)
    assert refused.value.code == code
    assert state(task) == before


def test_a_closed_task_does_not_move(officer, owner):
    task = add(officer, owner)
    services.task_transition(actor=officer, task=task, action="drop", note="Covered by TSK-1")
    before = state(task)
    for action in ("start", "done", "drop"):
        with pytest.raises(TransitionNotAllowed) as refused:
            services.task_transition(actor=officer, task=task, action=action, note="x")
        assert refused.value.status_code == 409
    with pytest.raises(TransitionNotAllowed):
        services.task_reassign(actor=officer, task=task, due_date=TODAY + timedelta(days=3))
    assert state(task) == before


def test_who_may_do_what(officer, owner, other_owner, auditor, approver):
    task = add(officer, owner)
    before = state(task)
    # Another owner, an auditor, an approver: not theirs to work on.
    for user in (other_owner, auditor, approver):
        assert services.available_actions(user, task) == []
        with pytest.raises(RuleForbidden):
            services.task_transition(actor=user, task=task, action="start")
    # The owner may not drop their task nor reassign it: officers change the plan.
    with pytest.raises(RuleForbidden):
        services.task_transition(actor=owner, task=task, action="drop", note="Too hard")
    with pytest.raises(RuleForbidden):
        services.task_reassign(actor=owner, task=task, owner=other_owner)
    with pytest.raises(RuleForbidden):
        add(owner, owner)
    assert state(task) == before


def test_reassigning(officer, owner, other_owner, auditor):
    task = add(officer, owner)
    new_due = TODAY + timedelta(days=20)
    task = services.task_reassign(actor=officer, task=task, owner=other_owner, due_date=new_due)
    assert (task.owner, task.due_date) == (other_owner, new_due)
    assert Notification.objects.filter(recipient=other_owner, title__contains=task.reference)
    before = state(task)
    with pytest.raises(BusinessRuleError) as refused:
        services.task_reassign(actor=officer, task=task, owner=auditor)
    assert refused.value.extra["fields"].keys() == {"owner"}
    with pytest.raises(BusinessRuleError) as refused:
        services.task_reassign(actor=officer, task=task, due_date=TODAY - timedelta(days=1))
    assert refused.value.code == "due_date_past"
    assert state(task) == before


def test_adding_by_hand_checks_owner_and_due_date(officer, auditor, owner):
    with pytest.raises(BusinessRuleError) as refused:
        add(officer, auditor)
    assert refused.value.code == "owner_cannot_act"
    with pytest.raises(BusinessRuleError):
        add(officer, owner, due=TODAY - timedelta(days=1))
    assert not PlanTask.objects.exists()
    task = add(officer, owner, phase=2)
    assert task.item is None and task.created_by == officer and task.reference.startswith("TSK-")


def test_visibility(officer, owner, other_owner, auditor, approver):
    mine = add(officer, owner)
    add(officer, other_owner, title="Someone else's task")
    assert list(PlanTask.objects.restrict(owner)) == [mine]
    assert PlanTask.objects.restrict(auditor).count() == 2
    assert PlanTask.objects.restrict(officer).count() == 2
    assert PlanTask.objects.restrict(approver).count() == 0
    assert services.can_view_plan(owner) and services.can_view_plan(auditor)
    assert not services.can_view_plan(approver)


def test_progress_figures(officer, owner):
    a = add(officer, owner, phase=1, title="a")
    add(officer, owner, phase=1, title="b")
    c = add(officer, owner, phase=2, title="c")
    add(officer, owner, phase=3, title="d", due=TODAY + timedelta(days=1))
    services.task_transition(actor=officer, task=a, action="done", note="Done")
    services.task_transition(actor=officer, task=c, action="drop", note="Not needed")
    PlanTask.objects.filter(title="b").update(due_date=TODAY - timedelta(days=2))
    progress = plan_progress()
    one, two, three = progress.phases
    assert (one.total, one.done, one.overdue, one.percent) == (2, 1, 1, 50)
    assert (two.total, two.dropped, two.percent) == (0, 1, 0)
    assert (three.total, three.done) == (1, 0)
    assert (progress.total, progress.done, progress.overdue) == (3, 1, 1)
    assert progress.next_due.title == "b"
    assert not progress.exists  # tasks added by hand, no plan generated


def test_progress_counts_are_a_fixed_few_queries(officer, owner, django_assert_max_num_queries):
    for n in range(12):
        add(officer, owner, phase=n % 3 + 1, title=f"t{n}")
    with django_assert_max_num_queries(4):
        plan_progress()


# --- Reminders ------------------------------------------------------------------------------


def test_tasks_due_soon_and_overdue_reach_their_owner(officer, owner):
    soon = add(officer, owner, due=TODAY + timedelta(days=3), title="Soon")
    late = add(officer, owner, due=TODAY + timedelta(days=30), title="Late")
    PlanTask.objects.filter(pk=late.pk).update(due_date=TODAY - timedelta(days=1))
    far = add(officer, owner, due=TODAY + timedelta(days=60), title="Far")
    result = run_sweep(today=TODAY)
    assert result.created.get("plan-task") == 2
    notes = Notification.objects.filter(recipient=owner, dedupe_key__startswith="plan-task:")
    keys = {n.dedupe_key for n in notes}
    assert f"plan-task:{soon.pk}:{soon.due_date.isoformat()}:due-soon" in keys
    assert any(k.startswith(f"plan-task:{late.pk}:") and k.endswith(":overdue") for k in keys)
    assert not any(k.startswith(f"plan-task:{far.pk}:") for k in keys)
    assert all(n.link == f"/plan/tasks/{int(n.dedupe_key.split(':')[1])}/" for n in notes)
    # Again: nothing twice; a done task is not chased.
    assert run_sweep(today=TODAY).created.get("plan-task", 0) == 0
    services.task_transition(actor=owner, task=soon, action="done", note="Done")
    later = TODAY + timedelta(days=5)
    assert run_sweep(today=later).created.get("plan-task", 0) == 0


def test_a_disabled_owner_cannot_take_a_task(officer):
    leaver = user_with_role("System owner", username="leaver_t", is_active=False)
    assert "disabled" in services.owner_refusal(leaver)


def test_phase_windows():
    from audits.models import Plan

    plan = Plan(start_date=date(2026, 1, 1))
    assert plan.phase_end(1) == date(2026, 1, 30)
    assert plan.phase_start(2) == date(2026, 1, 31)
    assert plan.end_date == date(2026, 3, 31)
    assert plan.day(date(2026, 1, 1)) == 1
