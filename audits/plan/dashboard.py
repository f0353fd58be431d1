"""The "90-day plan" panel of the dashboard: shown once a plan exists, to whoever may read
the plan (officers and auditors: the whole plan; a task's owner: their own tasks)."""

from .selectors import plan_progress
from .services import can_view_plan


def plan_panel(request) -> dict | None:
    user = request.user
    if not user.is_authenticated or not can_view_plan(user):
        return None
    progress = plan_progress(user=user)
    if not progress.exists:
        return None
    return {"progress": progress}
