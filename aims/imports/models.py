"""The import job: one uploaded spreadsheet, its preview and what its commit did."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from aims.models import ReferencedModel, TimeStampedModel


def import_upload_to(instance: "ImportJob", filename: str) -> str:
    return f"imports/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class ImportJob(ReferencedModel, TimeStampedModel):
    """An upload of rows of one kind (AI systems, components...). Its status moves draft ->
    previewed -> committed, or to failed when the file or a row is refused; a failed or
    committed job is kept as the record of what was tried and done."""

    REFERENCE_PREFIX = "IMP"

    class Status(models.TextChoices):
        DRAFT = "draft", "Uploaded"
        PREVIEWED = "previewed", "Previewed"
        COMMITTED = "committed", "Committed"
        FAILED = "failed", "Failed"

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    kind = models.CharField(max_length=30)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    file_format = models.CharField(max_length=4, choices=Format.choices, editable=False)
    file = models.FileField(upload_to=import_upload_to, max_length=300, editable=False)
    original_filename = models.CharField(max_length=255, editable=False)
    size_bytes = models.PositiveBigIntegerField(default=0, editable=False)
    sha256 = models.CharField("SHA-256", max_length=64, editable=False)
    rows_total = models.PositiveIntegerField(default=0, editable=False)
    to_create = models.PositiveIntegerField(default=0, editable=False)
    to_update = models.PositiveIntegerField(default=0, editable=False)
    unchanged = models.PositiveIntegerField(default=0, editable=False)
    error_count = models.PositiveIntegerField(default=0, editable=False)
    #: The refused rows, in words: [{"row": 7, "column": "Owner", "message": "..."}]
    #: (the first IMPORT_MAX_ERRORS_KEPT of them; error_count counts all).
    errors = models.JSONField(default=list, blank=True, editable=False)
    #: Why the whole file was refused (malformed, formulas, too large...), if it was.
    message = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="imports", editable=False
    )
    previewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    committed_at = models.DateTimeField(null=True, blank=True, editable=False)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # The error list can be long: the history keeps the counts and the status, the job
    # itself the list.
    history = HistoricalRecords(excluded_fields=["errors"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "import"

    def __str__(self) -> str:
        return f"{self.reference} {self.original_filename}"

    @classmethod
    def visibility_rule(cls, user, action: str, prefix: str):
        """Officers and auditors (the view permission through a role) see every import;
        anyone else the imports they uploaded."""
        from aims.permissions import has_global_perm
        from aims.visibility import ALL

        if has_global_perm(user, f"aims.{action}_importjob"):
            return ALL
        return models.Q(**{f"{prefix}created_by": user})
