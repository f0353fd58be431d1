"""The first run's own record: which steps the officer finished, which catalogue items the
gap assessment covered, and how each AI system found while taking stock was in use. One
record, changed through its history. Part of the audits app (label "audits"): audits.models
imports it so Django finds it there."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from aims.models import TimeStampedModel

__all__ = ["FirstRun"]


class FirstRun(TimeStampedModel):
    """Progress of the first run for a real organisation (the steps that leave no record of
    their own elsewhere: taking stock, the gap assessment's coverage, reaching the plan)."""

    steps_done = models.JSONField(default=list, blank=True, editable=False)
    assessed = models.JSONField(
        default=list, blank=True, editable=False, help_text="Catalogue codes assessed."
    )
    stock = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text="How each system recorded while taking stock was in use, by reference.",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "first run"

    def __str__(self) -> str:
        return "First run of the AIMS"
