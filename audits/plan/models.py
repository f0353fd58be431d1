"""The 90-day plan: its start date (``Plan``, one per AIMS) and its tasks (``PlanTask``).

Imported by audits/models.py, so the models keep the audits app label and tables."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from aims.models import ReferencedModel, TimeStampedModel
from aims.permissions import has_global_perm
from aims.visibility import ALL

#: Days each phase lasts: phase 1 is days 1-30, phase 2 days 31-60, phase 3 days 61-90.
PHASE_DAYS = 30


class Plan(TimeStampedModel):
    """The plan's frame: the day it starts and who generated it. There is one plan; its tasks
    are generated from the gap assessment (audits.plan.services.generate_plan)."""

    start_date = models.DateField(help_text="Day 1 of the 90 days.")
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    last_generated_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = "90-day plan"

    def __str__(self) -> str:
        return f"90-day plan from {self.start_date:%Y-%m-%d}"

    def phase_end(self, phase: int):
        """The last day of ``phase`` (1, 2 or 3)."""
        return self.start_date + timedelta(days=PHASE_DAYS * phase - 1)

    def phase_start(self, phase: int):
        return self.start_date + timedelta(days=PHASE_DAYS * (phase - 1))

    @property
    def end_date(self):
        return self.phase_end(3)

    def day(self, today=None) -> int:
        """Which day of the plan ``today`` is (1 on the start date; may pass 90)."""
        return ((today or timezone.localdate()) - self.start_date).days + 1


class PlanTask(ReferencedModel, TimeStampedModel):
    """One task of the 90-day plan, usually closing the gap of one catalogue item (a clause
    requirement or an Annex A control not implemented yet); tasks added by hand name none.

    The status moves only through the actions of audits.plan.services (``TRANSITIONS``)."""

    REFERENCE_PREFIX = "TSK"

    class Phase(models.IntegerChoices):
        FIRST = 1, "Days 1-30"
        SECOND = 2, "Days 31-60"
        THIRD = 3, "Days 61-90"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    title = models.CharField(max_length=200)
    description = models.TextField("what to do", blank=True)
    item = models.ForeignKey(
        "audits.CatalogueItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_tasks",
        verbose_name="catalogue item",
        help_text="The requirement or control whose gap the task closes (none when added by hand).",
    )
    phase = models.PositiveSmallIntegerField(choices=Phase.choices, db_index=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="plan_tasks"
    )
    due_date = models.DateField(db_index=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.OPEN, editable=False, db_index=True
    )
    done_note = models.TextField("what was done", blank=True, editable=False)
    drop_reason = models.TextField("why it was dropped", blank=True, editable=False)
    done_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["phase", "due_date", "id"]
        verbose_name = "plan task"

    #: Statuses in which the work is still to do (the task "covers" its gap, can be overdue).
    WORKING = (Status.OPEN, Status.IN_PROGRESS)

    @classmethod
    def visibility_rule(cls, user, action: str, prefix: str):
        """Officers and auditors (the view permission through a role) see every task; anyone
        else sees the tasks they own."""
        if action != "view":
            return None
        if has_global_perm(user, "audits.view_plantask"):
            return ALL
        return models.Q(**{f"{prefix}owner": user})

    @staticmethod
    def overdue_q(today) -> models.Q:
        """Tasks still to do whose due date has passed: the one rule of "overdue" for the
        list's filter, its badge, the progress figures and the reminders."""
        return models.Q(status__in=PlanTask.WORKING, due_date__lt=today)

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.status in self.WORKING and self.due_date < today

    @property
    def overdue(self) -> bool:  # for templates
        return self.is_overdue()

    @property
    def is_closed(self) -> bool:
        return self.status not in self.WORKING

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("plan:task_detail", args=[self.pk])
