"""The demo organisation's 90-day plan, generated from its SoA as the demo officer, with its
first task started. Idempotent: nothing is done once a plan exists."""

from django.contrib.auth import get_user_model

from ..models import Plan, PlanTask
from . import services

User = get_user_model()


def load(*, stdout) -> None:
    officer = User.objects.filter(username="officer", is_active=True).first()
    if officer is None or Plan.objects.exists():
        return
    if services.generate_refusal(officer) is not None:
        return  # no assessment recorded (the catalogue or SoA demo was skipped)
    generated = services.generate_plan(actor=officer)
    first = PlanTask.objects.filter(owner=officer).order_by("due_date", "id").first()
    if first is not None:
        services.task_transition(actor=officer, task=first, action="start")
    stdout.write(f"Demo 90-day plan: {len(generated.created)} tasks")
