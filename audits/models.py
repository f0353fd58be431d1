from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from aims.history import HistoryWithRelations
from aims.models import ReferencedModel, TimeStampedModel
from aims.visibility import ReadByRole


class TrailAdoption(models.Model):
    """An officer's statement that history rows written without a seal (a bulk load) are
    genuine: the rows are then sealed into the chain, each link naming this adoption. The
    adoption itself has history, so it is sealed in the chain before the rows it adopts."""

    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    rows = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-id"]
        permissions = [("adopt_history", "Adopt unsealed history rows into the audit trail")]

    def __str__(self) -> str:
        return f"Adoption {self.pk}: {self.rows} rows by {self.adopted_by}"


class ChainLink(models.Model):
    """One history row sealed into the audit-trail hash chain.

    ``row_hash`` fingerprints the historical row's content as the database keeps it;
    ``chain_hash`` covers the previous link's hash, this link's position, the row it names,
    ``row_hash``, when it was sealed and the adoption it belongs to (if any). Changing or
    deleting any sealed row or any link breaks every hash after it. The chain has no mutable
    head: the head is the link with the highest position. On PostgreSQL triggers refuse any
    UPDATE, DELETE or TRUNCATE, and any link that does not follow the head.
    """

    position = models.PositiveBigIntegerField(unique=True)
    table = models.CharField(max_length=100)  # the historical model's label, e.g.
    # "inventory.HistoricalAISystem"
    history_id = models.BigIntegerField()
    row_hash = models.CharField(max_length=64)
    prev_hash = models.CharField(max_length=64)
    chain_hash = models.CharField(max_length=64, unique=True)
    sealed_at = models.DateTimeField()
    adoption = models.ForeignKey(
        TrailAdoption, on_delete=models.PROTECT, null=True, blank=True, related_name="links"
    )

    class Meta:
        ordering = ["position"]
        constraints = [
            models.UniqueConstraint(fields=["table", "history_id"], name="one_link_per_row")
        ]

    def __str__(self) -> str:
        return f"{self.position}: {self.table}#{self.history_id}"


class TrailCheckpoint(models.Model):
    """The chain's head at one moment, signed with the organisation's Ed25519 key.

    Kept here and, as a write-once file, in storage (object storage in production), outside
    the history tables: a chain later found shorter than a checkpoint, or with another hash
    at its position, was cut or rewritten after it was signed.
    """

    class Occasion(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled (daily)"
        PACK = "pack", "Evidence pack built"
        MANUAL = "manual", "Requested"

    sequence = models.PositiveIntegerField(unique=True)
    position = models.PositiveBigIntegerField(help_text="Links in the chain when signed.")
    chain_hash = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    occasion = models.CharField(max_length=20, choices=Occasion.choices)
    key_id = models.CharField(max_length=64)
    signature = models.CharField(max_length=128)

    class Meta:
        ordering = ["-sequence"]

    def __str__(self) -> str:
        return f"Checkpoint {self.sequence}: {self.position} links"


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
        # Made for an external audit (audits.certification): its stage decides the content.
        STAGE1 = "stage1", "Stage 1: documented information and readiness"
        OPERATIONS = "operations", "Stage 2: operating records over the audit's period"

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
    external_audit = models.ForeignKey(
        "audits.ExternalAudit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="packs",
        editable=False,
        help_text="The certification audit the pack was made for (its stage and sample).",
    )
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

    @classmethod
    def visibility_rule(cls, user, action: str, prefix: str):
        """Auditors and officers see every pack (their role's permission); a certification
        body's auditor sees the packs made for the audits they hold a current access to."""
        from .certification.access import certification_auditor_rule

        return certification_auditor_rule(cls, user, action, prefix)

    @property
    def is_for_audit(self) -> bool:
        return self.scope in (self.Scope.STAGE1, self.Scope.OPERATIONS)

    #: A build that has not moved for this long has stopped (its worker or web process was
    #: restarted mid-build); it may then be retried like a failed one.
    STALLED_AFTER = timedelta(minutes=20)

    def is_stalled(self, now=None) -> bool:
        """Queued or running, with no progress for :attr:`STALLED_AFTER`."""
        if self.status not in (self.Status.QUEUED, self.Status.RUNNING) or not self.updated_at:
            return False
        return (now or timezone.now()) - self.updated_at > self.STALLED_AFTER

    @property
    def stalled(self) -> bool:  # for templates
        return self.is_stalled()

    @property
    def scope_label(self) -> str:
        if self.scope == self.Scope.SYSTEM and self.system_id:
            return f"AI system {self.system}"
        if self.scope == self.Scope.PERIOD:
            return f"{self.period_start} to {self.period_end}"
        if self.scope == self.Scope.STAGE1:
            return "Stage 1 — documented information and readiness"
        if self.scope == self.Scope.OPERATIONS:
            period = (
                f"{self.period_start} to {self.period_end}" if self.period_start else "all records"
            )
            return f"Stage 2 — operating records, {period}"
        return "The whole AIMS"

    def clean(self) -> None:
        errors = {}
        if self.scope == self.Scope.SYSTEM and not self.system_id:
            errors["system"] = "Choose the AI system the pack is about."
        if self.is_for_audit and not self.external_audit_id:
            errors["external_audit"] = "A stage pack is made for an external audit."
        if self.scope == self.Scope.PERIOD:
            if not self.period_start:
                errors["period_start"] = "Give the first day of the period."
            if not self.period_end:
                errors["period_end"] = "Give the last day of the period."
            if self.period_start and self.period_end and self.period_start > self.period_end:
                errors["period_end"] = "The period cannot end before it starts."
        if errors:
            raise ValidationError(errors)


# --- ISO/IEC 42001 catalogue and Statement of Applicability ---------------------------------


class CatalogueItem(models.Model):
    """A requirement of clauses 4-10 or an Annex A control (or their headings), loaded from
    project data by ``manage.py load_catalogue``. Reference data: no history."""

    class Kind(models.TextChoices):
        CLAUSE = "clause", "Clause requirement"
        CONTROL = "control", "Annex A control"

    code = models.CharField(max_length=20, unique=True)  # "4.1", "6.1.2", "A.2.2"
    kind = models.CharField(max_length=10, choices=Kind.choices, db_index=True)
    title = models.CharField(max_length=200)
    objective = models.TextField(blank=True, help_text="Our own summary of what it asks for.")
    guidance = models.TextField(blank=True, help_text="What to do and what evidence shows it.")
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="children"
    )
    is_heading = models.BooleanField(
        default=False, help_text="A grouping (clause 6, Annex A.2) rather than a requirement."
    )
    sort_key = models.CharField(max_length=40, db_index=True)

    class Meta:
        ordering = ["sort_key"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Crosswalk(models.Model):
    """What else a catalogue item satisfies: an EU AI Act article or a NIST AI RMF category."""

    class Framework(models.TextChoices):
        EU_AI_ACT = "eu_ai_act", "EU AI Act"
        NIST_AI_RMF = "nist_ai_rmf", "NIST AI RMF"

    item = models.ForeignKey(CatalogueItem, on_delete=models.CASCADE, related_name="crosswalks")
    framework = models.CharField(max_length=20, choices=Framework.choices)
    ref = models.CharField(max_length=40)  # "Art. 9", "MAP 1.1"
    title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["framework", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["item", "framework", "ref"], name="one_crosswalk")
        ]

    def __str__(self) -> str:
        return f"{self.item.code} -> {self.get_framework_display()} {self.ref}"


class ControlStatement(TimeStampedModel):
    """The organisation's position on one catalogue item: for an Annex A control, its row in
    the Statement of Applicability; for a clause requirement, who owns it and how far it is
    implemented. Evidence attaches here."""

    class Implementation(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        PLANNED = "planned", "Planned"
        PARTIAL = "partial", "Partially implemented"
        IMPLEMENTED = "implemented", "Implemented"

    item = models.OneToOneField(CatalogueItem, on_delete=models.PROTECT, related_name="statement")
    applicable = models.BooleanField(default=True)
    justification = models.TextField(
        blank=True, help_text="Why it is included or excluded; required when excluded."
    )
    implementation_status = models.CharField(
        max_length=20,
        choices=Implementation.choices,
        default=Implementation.NOT_STARTED,
        db_index=True,
    )
    implementation_notes = models.TextField("how it is implemented", blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="control_statements",
    )
    systems = models.ManyToManyField("inventory.AISystem", blank=True, related_name="+")
    risks = models.ManyToManyField(
        "risk.Risk",
        blank=True,
        related_name="+",
        help_text="Risks whose treatment relies on this control.",
    )
    evidence = GenericRelation(
        "aims.Evidence", content_type_field="target_type", object_id_field="target_id"
    )
    history = HistoryWithRelations(m2m_fields=["systems", "risks"])

    class Meta:
        ordering = ["item__sort_key"]

    def __str__(self) -> str:
        return str(self.item)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("soa:statement_detail", args=[self.pk])


class SoAVersion(TimeStampedModel):
    """An approved snapshot of the Statement of Applicability; versions can be compared."""

    number = models.PositiveIntegerField(unique=True, editable=False)
    note = models.TextField(blank=True)
    rows = models.JSONField(editable=False, help_text="One entry per Annex A control.")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    approved_at = models.DateTimeField(editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-number"]
        verbose_name = "SoA version"
        permissions = [("approve_soaversion", "Can approve a version of the SoA")]

    def __str__(self) -> str:
        return f"SoA version {self.number}"


# --- Internal audits (9.2) and management review (9.3) -----------------------------------------


class AuditProgramme(ReadByRole, TimeStampedModel):
    title = models.CharField(max_length=200)
    period_start = models.DateField()
    period_end = models.DateField()
    objectives = models.TextField(blank=True)
    method = models.TextField(
        blank=True, help_text="Frequency, methods, responsibilities and reporting."
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-period_start", "id"]

    def __str__(self) -> str:
        return self.title


class InternalAudit(ReadByRole, ReferencedModel, TimeStampedModel):
    REFERENCE_PREFIX = "AUD"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        REPORTING = "reporting", "Reporting"
        CLOSED = "closed", "Closed"

    programme = models.ForeignKey(
        AuditProgramme, on_delete=models.PROTECT, null=True, blank=True, related_name="audits"
    )
    title = models.CharField(max_length=200)
    scope = models.TextField()
    criteria = models.TextField(default="ISO/IEC 42001:2023 and the organisation's AI policy")
    controls = models.ManyToManyField(CatalogueItem, blank=True, related_name="audits")
    systems = models.ManyToManyField("inventory.AISystem", blank=True, related_name="+")
    lead_auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audits_led"
    )
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    planned_start = models.DateField()
    planned_end = models.DateField()
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PLANNED, editable=False
    )
    conclusion = models.TextField(blank=True)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    evidence = GenericRelation(
        "aims.Evidence", content_type_field="target_type", object_id_field="target_id"
    )
    history = HistoryWithRelations(m2m_fields=["controls", "systems", "team"])

    class Meta:
        ordering = ["-planned_start", "-id"]
        verbose_name = "internal audit"

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("internal_audits:audit_detail", args=[self.pk])


class ChecklistItem(ReadByRole, TimeStampedModel):
    class Result(models.TextChoices):
        NOT_ASSESSED = "not_assessed", "Not assessed"
        CONFORMING = "conforming", "Conforming"
        NONCONFORMING = "nonconforming", "Nonconforming"
        OBSERVATION = "observation", "Observation"
        NOT_APPLICABLE = "not_applicable", "Not applicable"

    audit = models.ForeignKey(InternalAudit, on_delete=models.CASCADE, related_name="checklist")
    item = models.ForeignKey(CatalogueItem, on_delete=models.PROTECT, related_name="+")
    question = models.TextField()
    result = models.CharField(max_length=20, choices=Result.choices, default=Result.NOT_ASSESSED)
    notes = models.TextField(blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    assessed_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["audit", "item__sort_key"]
        constraints = [models.UniqueConstraint(fields=["audit", "item"], name="one_checklist_item")]

    def __str__(self) -> str:
        return f"{self.audit.reference} {self.item.code}"

    @property
    def permission_parent(self) -> InternalAudit:
        return self.audit


class Finding(ReadByRole, ReferencedModel, TimeStampedModel):
    REFERENCE_PREFIX = "FND"

    class Kind(models.TextChoices):
        MAJOR = "major", "Major nonconformity"
        MINOR = "minor", "Minor nonconformity"
        OBSERVATION = "observation", "Observation"
        OFI = "ofi", "Opportunity for improvement"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    audit = models.ForeignKey(InternalAudit, on_delete=models.PROTECT, related_name="findings")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField()
    controls = models.ManyToManyField(CatalogueItem, blank=True, related_name="findings")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, editable=False
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Who sees the finding through (reminders when overdue) and by when; the status stays
    # open/closed through the close action.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who sees the finding through; reminded when it is overdue.",
    )
    due_date = models.DateField(null=True, blank=True)
    evidence = GenericRelation(
        "aims.Evidence", content_type_field="target_type", object_id_field="target_id"
    )
    history = HistoryWithRelations(m2m_fields=["controls"])

    class Meta:
        ordering = ["-created_at", "-id"]

    @staticmethod
    def overdue_q(today) -> models.Q:
        """Open findings whose due date has passed: the one rule of "overdue" for the
        register's filter, its badge, the finding page and the reminders."""
        return models.Q(status=Finding.Status.OPEN, due_date__lt=today)

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status == self.Status.OPEN and self.due_date is not None and self.due_date < today
        )

    @property
    def overdue(self) -> bool:  # for templates
        return self.is_overdue()

    @property
    def is_nonconformity(self) -> bool:
        return self.kind in (self.Kind.MAJOR, self.Kind.MINOR)

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("internal_audits:finding_detail", args=[self.pk])

    @property
    def permission_parent(self) -> InternalAudit:
        return self.audit


class ManagementReview(ReadByRole, ReferencedModel, TimeStampedModel):
    REFERENCE_PREFIX = "MR"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=200)
    meeting_date = models.DateField()
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PLANNED, editable=False
    )
    inputs = models.JSONField(
        default=dict, editable=False, help_text="Figures gathered from live data (9.3.2)."
    )
    inputs_gathered_at = models.DateTimeField(null=True, blank=True, editable=False)
    input_notes = models.TextField("discussion of the inputs", blank=True)
    decisions = models.TextField(
        blank=True, help_text="Decisions on improvement and on changes to the AIMS (9.3.3)."
    )
    minutes = models.TextField(blank=True)
    history = HistoryWithRelations(m2m_fields=["attendees"])

    class Meta:
        ordering = ["-meeting_date", "-id"]

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("internal_audits:review_detail", args=[self.pk])


class ReviewAction(ReadByRole, TimeStampedModel):
    """An action decided at a management review; the next review reports its status."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    review = models.ForeignKey(ManagementReview, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def permission_parent(self) -> ManagementReview:
        return self.review


class GapAssignment(TimeStampedModel):
    """Who works on a readiness gap, by when, and how far they got. Gaps are computed on the
    fly (audits.soa.gaps); the assignment is keyed by the gap's kind and record, so the same
    gap finds its assignment again on every computation, and an assignment outlives a gap that
    was fixed (it is then resolved with a note)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        RESOLVED = "resolved", "Resolved"
        ACCEPTED = "accepted", "Accepted as is"

    kind = models.CharField(max_length=40)
    record = models.CharField(max_length=150)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="gap_assignments"
    )
    due_date = models.DateField()
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.OPEN, editable=False
    )
    note = models.TextField(blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "record"], name="one_assignment_per_gap")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.record}"

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.record}"

    @property
    def is_done(self) -> bool:
        return self.status in (self.Status.RESOLVED, self.Status.ACCEPTED)


from .certification.models import *  # noqa: E402, F403  (certification records, issue 20)

# --- ISO/IEC 27001 reuse (defined in audits.iso27001.models) -----------------------------------
from .iso27001.models import ControlMapping, SecurityControl  # noqa: E402, F401

# The first run's record lives with its domain (audits/onboarding/models.py); imported here so
# Django finds it in the app's models module.
from .onboarding.models import FirstRun  # noqa: E402, F401

# The 90-day plan (audits/plan/models.py), imported here so Django finds its models.
from .plan.models import Plan, PlanTask  # noqa: E402, F401
