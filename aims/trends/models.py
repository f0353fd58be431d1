"""One row per day of the key figures of the AIMS (readiness, systems, incidents, CAPA)."""

from django.db import models
from simple_history.models import HistoricalRecords


class DailySnapshot(models.Model):
    """The key figures as they stood on ``day``, organisation-wide (not per viewer).

    ``figures`` maps a figure's key (``"readiness.percent"``, ``"systems.tier.high"``...) to a
    whole number; the keys are declared by the sources in ``aims.trends.registry``, so a new
    figure needs no migration. Taken once a day by the beat task; taking it again the same
    day updates the one row of that day.
    """

    class Origin(models.TextChoices):
        LIVE = "live", "Taken on the day"
        DEMO = "demo", "Demonstration history"

    day = models.DateField(unique=True)
    figures = models.JSONField(default=dict)
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.LIVE)
    taken_at = models.DateTimeField()
    history = HistoricalRecords()

    class Meta:
        app_label = "aims"
        ordering = ["day"]
        get_latest_by = "day"
        verbose_name = "daily snapshot"

    def __str__(self) -> str:
        return f"Snapshot of {self.day:%Y-%m-%d}"
