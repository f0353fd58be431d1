"""Competence records (clause 7.2): courses, who completed them (training records),
responsibilities with the training they require, and who holds them. Part of the aims app
(label "aims", tables unchanged): aims.models imports them so Django finds them there."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from simple_history.models import HistoricalRecords

from aims.history import HistoryWithRelations
from aims.models import TimeStampedModel
from aims.visibility import own_records_rule

__all__ = [
    "Course",
    "TrainingRecord",
    "Responsibility",
    "ResponsibilityAssignment",
]


class Course(TimeStampedModel):
    """A training course or qualification (7.2, 7.3; EU AI Act Article 4 AI literacy)."""

    title = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    provider = models.CharField(max_length=200, blank=True)
    validity_months = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Leave empty when a completion never expires."
    )
    is_ai_literacy = models.BooleanField("counts as AI literacy (Article 4)", default=False)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class TrainingRecord(TimeStampedModel):
    """One person's completion of a course."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="training_records"
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="records")
    completed_on = models.DateField()
    expires_on = models.DateField(null=True, blank=True, db_index=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    evidence = GenericRelation(
        "aims.Evidence", content_type_field="target_type", object_id_field="target_id"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-completed_on", "-id"]
        indexes = [models.Index(fields=["user", "course"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.course} ({self.completed_on})"

    @classmethod
    def visibility_rule(cls, user, action: str, prefix: str):
        """Everyone sees their own; the role's view permission shows everyone's."""
        return own_records_rule(cls, user, action, prefix)


class Responsibility(TimeStampedModel):
    """A role in the AIMS with its responsibilities and authorities (5.3), and the training
    a person needs before being assigned to it."""

    key = models.SlugField(
        max_length=50,
        unique=True,
        help_text="Stable name the application uses, e.g. 'approver' or 'human-oversight'.",
    )
    title = models.CharField(max_length=200)
    responsibilities = models.TextField()
    authorities = models.TextField(blank=True)
    required_courses = models.ManyToManyField(Course, blank=True, related_name="required_by")
    history = HistoryWithRelations(m2m_fields=["required_courses"])

    class Meta:
        ordering = ["title", "id"]
        verbose_name_plural = "responsibilities"

    def __str__(self) -> str:
        return self.title


class ResponsibilityAssignment(TimeStampedModel):
    """A person holding a responsibility. Refused without in-date training unless an officer
    records an exception, which stays visible on the assignment."""

    responsibility = models.ForeignKey(
        Responsibility, on_delete=models.PROTECT, related_name="assignments"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="responsibilities"
    )
    scope_note = models.CharField(
        max_length=200, blank=True, help_text="Where it applies, e.g. one AI system or unit."
    )
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    training_exception = models.TextField(
        blank=True, editable=False, help_text="Why the assignment stands without the training."
    )
    exception_granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    exception_expires_on = models.DateField(
        null=True,
        blank=True,
        editable=False,
        db_index=True,
        help_text="The last day the training exception counts.",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["responsibility", "user", "id"]
        permissions = [
            ("grant_training_exception", "Can assign a responsibility without its training")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.responsibility}"

    @classmethod
    def visibility_rule(cls, user, action: str, prefix: str):
        """Everyone sees their own; the role's view permission shows everyone's."""
        return own_records_rule(cls, user, action, prefix)
