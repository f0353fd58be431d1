from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from aims.models import ReferencedModel, TimeStampedModel


class ChainLink(models.Model):
    """One history row sealed into the audit-trail hash chain.

    ``row_hash`` fingerprints the historical row's content; ``chain_hash`` is
    sha256(previous chain_hash + row_hash), so changing or deleting any sealed row, or any
    link, breaks every hash after it. The chain is the trail's own evidence: it has no
    history of its own and is never edited (on PostgreSQL a trigger refuses it).
    """

    table = models.CharField(max_length=100)  # the historical model's label, e.g.
    # "inventory.HistoricalAISystem"
    history_id = models.BigIntegerField()
    row_hash = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    chain_hash = models.CharField(max_length=64, unique=True)
    sealed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["table", "history_id"], name="one_link_per_row")
        ]

    def __str__(self) -> str:
        return f"{self.table}#{self.history_id}"


class ChainHead(models.Model):
    """The single row holding the latest chain hash. Sealing locks it, so two transactions
    never chain onto the same predecessor."""

    last_hash = models.CharField(max_length=64, default="0" * 64)
    length = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = "audit-trail chain head"

    def __str__(self) -> str:
        return f"{self.length} links, head {self.last_hash[:12]}"


def pack_upload_to(instance: "EvidencePack", filename: str) -> str:
    return f"evidence-packs/{instance.reference}/{filename}"


class EvidencePack(ReferencedModel, TimeStampedModel):
    """A PDF (and a ZIP beside it) that gathers the records an auditor asks for, built by a
    Celery task so no request ever waits for WeasyPrint."""

    REFERENCE_PREFIX = "PACK"

    class Scope(models.TextChoices):
        WHOLE = "whole", "The whole AIMS"
        SYSTEM = "system", "One AI system"
        PERIOD = "period", "A date range"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.WHOLE)
    system = models.ForeignKey(
        "inventory.AISystem", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, editable=False
    )
    progress = models.PositiveSmallIntegerField(default=0, editable=False)
    step = models.CharField(max_length=100, blank=True, editable=False)
    error = models.TextField(blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True, editable=False)
    pdf = models.FileField(upload_to=pack_upload_to, blank=True, max_length=300, editable=False)
    pdf_sha256 = models.CharField("PDF SHA-256", max_length=64, blank=True, editable=False)
    zip = models.FileField(upload_to=pack_upload_to, blank=True, max_length=300, editable=False)
    zip_sha256 = models.CharField("ZIP SHA-256", max_length=64, blank=True, editable=False)
    page_count = models.PositiveIntegerField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("request_evidencepack", "Can request evidence packs (auditors and officers)")
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.scope_label}"

    @property
    def scope_label(self) -> str:
        if self.scope == self.Scope.SYSTEM and self.system_id:
            return f"AI system {self.system}"
        if self.scope == self.Scope.PERIOD:
            return f"{self.period_start} to {self.period_end}"
        return "The whole AIMS"

    def clean(self) -> None:
        errors = {}
        if self.scope == self.Scope.SYSTEM and not self.system_id:
            errors["system"] = "Choose the AI system the pack is about."
        if self.scope == self.Scope.PERIOD:
            if not self.period_start:
                errors["period_start"] = "Give the first day of the period."
            if not self.period_end:
                errors["period_end"] = "Give the last day of the period."
            if self.period_start and self.period_end and self.period_start > self.period_end:
                errors["period_end"] = "The period cannot end before it starts."
        if errors:
            raise ValidationError(errors)
