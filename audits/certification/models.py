"""Records of certification by an outside body (see the package docstring)."""

from datetime import date

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from aims.history import HistoryWithRelations
from aims.models import ReferencedModel, TimeStampedModel
from aims.visibility import NONE, ReadByRole, rule_for

__all__ = [
    "CertificationBody",
    "ExternalAudit",
    "AuditorAccess",
    "ExternalFinding",
    "FindingResponse",
    "Certificate",
]


#: The dates a certification record may carry. A date outside is a typing mistake, and the
#: cycle's arithmetic (surveillance a year on, recertification before expiry) must stay within
#: the calendar.
EARLIEST_DATE, LATEST_DATE = date(2000, 1, 1), date(2099, 12, 31)


def date_range_errors(record, fields: tuple[str, ...]) -> dict[str, str]:
    """A field error for each of ``fields`` holding a date outside the range above."""
    return {
        name: f"Give a date between {EARLIEST_DATE.year} and {LATEST_DATE.year}."
        for name in fields
        if getattr(record, name) and not EARLIEST_DATE <= getattr(record, name) <= LATEST_DATE
    }


class CertificationBody(ReadByRole, ReferencedModel, TimeStampedModel):
    """An accredited body that audits the AIMS and issues the certificate."""

    REFERENCE_PREFIX = "CB"

    name = models.CharField(max_length=200, unique=True)
    accreditation = models.CharField(
        max_length=200,
        blank=True,
        help_text="The accreditation body and number, for example the national body's reference.",
    )
    country = models.CharField(max_length=100, blank=True)
    contact_name = models.CharField(max_length=200, blank=True)
    contact_email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = "certification body"
        verbose_name_plural = "certification bodies"


class ExternalAudit(ReadByRole, ReferencedModel, TimeStampedModel):
    """One visit of the certification body: what kind, when, over what, with what outcome."""

    REFERENCE_PREFIX = "EXA"

    class Kind(models.TextChoices):
        STAGE_1 = "stage1", "Stage 1 (documentation and readiness)"
        STAGE_2 = "stage2", "Stage 2 (implementation and effectiveness)"
        SURVEILLANCE = "surveillance", "Surveillance"
        RECERTIFICATION = "recertification", "Recertification"
        SPECIAL = "special", "Special"

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    class Outcome(models.TextChoices):
        PENDING = "pending", "Not decided yet"
        RECOMMENDED = "recommended", "Certification recommended or maintained"
        CONDITIONAL = "conditional", "Recommended once the nonconformities are answered"
        NOT_RECOMMENDED = "not_recommended", "Not recommended"
        READY_FOR_STAGE_2 = "ready_for_stage2", "Ready for stage 2"

    body = models.ForeignKey(CertificationBody, on_delete=models.PROTECT, related_name="audits")
    certificate = models.ForeignKey(
        "audits.Certificate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audits",
        help_text="The certificate this audit maintains or renews (surveillance, recertification).",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    title = models.CharField(max_length=200, blank=True)
    start_date = models.DateField()
    end_date = models.DateField()
    scope = models.TextField(help_text="What the audit covers: sites, units, AI systems, clauses.")
    lead_auditor = models.CharField("lead auditor (of the body)", max_length=200, blank=True)
    sampled_systems = models.ManyToManyField(
        "inventory.AISystem",
        blank=True,
        related_name="+",
        help_text="The AI systems the body samples; their records are in the audit's scope.",
    )
    sampled_records = models.TextField(
        blank=True, help_text="Other records the body asked for, in words."
    )
    period_start = models.DateField(
        null=True, blank=True, help_text="First day of the operating period the audit examines."
    )
    period_end = models.DateField(
        null=True, blank=True, help_text="Last day of the operating period the audit examines."
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.PLANNED,
        editable=False,
        db_index=True,
    )
    outcome = models.CharField(
        max_length=20, choices=Outcome.choices, default=Outcome.PENDING, editable=False
    )
    outcome_notes = models.TextField(blank=True, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    evidence_pack = models.ForeignKey(
        "audits.EvidencePack",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text="The pack made for this audit's stage.",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    evidence = GenericRelation(
        "aims.Evidence", content_type_field="target_type", object_id_field="target_id"
    )
    history = HistoryWithRelations(m2m_fields=["sampled_systems"])

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = "external audit"

    @classmethod
    def visibility_rule(cls, user, action: str, prefix: str):
        """A certification body's auditor sees only the audits they hold a current access to
        (and what hangs off them); everyone else reads by role."""
        from .access import certification_auditor_rule

        return certification_auditor_rule(cls, user, action, prefix)

    def __str__(self) -> str:
        return f"{self.reference} {self.title or self.get_kind_display()}"

    def clean(self) -> None:
        errors = date_range_errors(self, ("start_date", "end_date", "period_start", "period_end"))
        if errors:
            raise ValidationError(errors)
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The audit cannot end before it starts."
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = "The period cannot end before it starts."
        if bool(self.period_start) != bool(self.period_end):
            field = "period_end" if self.period_start else "period_start"
            errors[field] = "Give both ends of the period, or neither."
        if errors:
            raise ValidationError(errors)


class AuditorAccess(TimeStampedModel):
    """A time-boxed, read-only account of the certification body's auditor, limited to one
    audit's scope. Outside [valid_from, valid_until], or once revoked, the account is refused."""

    audit = models.ForeignKey(ExternalAudit, on_delete=models.PROTECT, related_name="accesses")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="auditor_accesses"
    )
    valid_from = models.DateField()
    valid_until = models.DateField()
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-valid_until", "-id"]
        verbose_name = "certification auditor access"
        constraints = [
            models.UniqueConstraint(fields=["audit", "user"], name="one_access_per_audit_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.audit.reference}"

    def clean(self) -> None:
        errors = date_range_errors(self, ("valid_from", "valid_until"))
        if errors:
            raise ValidationError(errors)
        if self.valid_from and self.valid_until and self.valid_until < self.valid_from:
            raise ValidationError({"valid_until": "Access cannot end before it starts."})

    @staticmethod
    def current_q(today, prefix: str = "") -> models.Q:
        """Accesses open today: the one rule of "current" for sign-in, visibility and lists."""
        return models.Q(
            **{
                f"{prefix}valid_from__lte": today,
                f"{prefix}valid_until__gte": today,
                f"{prefix}revoked_at__isnull": True,
            }
        )

    def is_current(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.revoked_at is None and self.valid_from <= today <= self.valid_until


class ExternalFinding(ReadByRole, ReferencedModel, TimeStampedModel):
    """A finding of the certification body against clauses or controls. A nonconformity opens a
    corrective action with the body's deadline and is answered by a response record."""

    REFERENCE_PREFIX = "EXF"

    class Kind(models.TextChoices):
        MAJOR = "major", "Major nonconformity"
        MINOR = "minor", "Minor nonconformity"
        OFI = "ofi", "Opportunity for improvement"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        RESPONDED = "responded", "Response sent"
        CLOSED = "closed", "Closed by the body"

    audit = models.ForeignKey(ExternalAudit, on_delete=models.PROTECT, related_name="findings")
    kind = models.CharField(max_length=10, choices=Kind.choices, db_index=True)
    title = models.CharField(max_length=200)
    description = models.TextField(help_text="What the body found, in its words or ours.")
    clauses = models.ManyToManyField(
        "audits.CatalogueItem",
        related_name="external_findings",
        help_text="The clauses or Annex A controls the finding is raised against.",
    )
    response_due = models.DateField(
        null=True, blank=True, help_text="The deadline the body set for our response."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Who answers the finding; reminded as the deadline nears and escalated after.",
    )
    corrective_action = models.OneToOneField(
        "aims.CorrectiveAction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.OPEN,
        editable=False,
        db_index=True,
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closure_note = models.TextField(blank=True, editable=False)
    escalated_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoryWithRelations(m2m_fields=["clauses"])

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "external finding"

    @property
    def permission_parent(self) -> ExternalAudit:
        return self.audit

    @classmethod
    def visibility_rule(cls, user, action: str, prefix: str):
        """A certification body's auditor sees the findings of the audits they hold a current
        access to; officers, approvers and auditors see every finding; anyone else sees the
        findings they own, to answer them. Changing follows the default rule."""
        from .access import certification_auditor_rule

        rule = certification_auditor_rule(cls, user, action, prefix)
        if rule is NONE:
            return models.Q(**{f"{prefix}owner": user})
        return rule

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("certification:finding_detail", args=[self.pk])

    @property
    def is_nonconformity(self) -> bool:
        return self.kind in (self.Kind.MAJOR, self.Kind.MINOR)

    @staticmethod
    def overdue_q(today) -> models.Q:
        """Open findings past the body's deadline with no response sent: the one rule of
        "overdue" for lists, badges, reminders and escalation."""
        return models.Q(status=ExternalFinding.Status.OPEN, response_due__lt=today)

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status == self.Status.OPEN
            and self.response_due is not None
            and self.response_due < today
        )

    @property
    def overdue(self) -> bool:  # for templates
        return self.is_overdue()


class FindingResponse(ReadByRole, TimeStampedModel):
    """What we sent back to the body on a finding: the correction, the root cause and the
    corrective action, with evidence."""

    finding = models.ForeignKey(ExternalFinding, on_delete=models.PROTECT, related_name="responses")
    correction = models.TextField(help_text="What was done at once to fix the nonconformity.")
    root_cause = models.TextField(help_text="Why it happened.")
    corrective_action_taken = models.TextField(
        help_text="What was changed so that it does not happen again."
    )
    sent_on = models.DateField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    evidence = GenericRelation(
        "aims.Evidence", content_type_field="target_type", object_id_field="target_id"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-sent_on", "-id"]
        verbose_name = "finding response"

    def __str__(self) -> str:
        return f"Response to {self.finding.reference} sent {self.sent_on}"

    @property
    def permission_parent(self) -> ExternalFinding:
        return self.finding

    @classmethod
    def visibility_rule(cls, user, action: str, prefix: str):
        """A certification body's auditor sees the responses on their audits' findings;
        officers, approvers and auditors see all; anyone else sees the responses to the
        findings they see (an owner, those to their own findings)."""
        from .access import certification_auditor_rule

        rule = certification_auditor_rule(cls, user, action, prefix)
        if rule is NONE:
            return rule_for(user, ExternalFinding, action, f"{prefix}finding__")
        return rule


class Certificate(ReadByRole, ReferencedModel, TimeStampedModel):
    """The certificate the body issued, its scope and its three-year cycle."""

    REFERENCE_PREFIX = "CERT"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        WITHDRAWN = "withdrawn", "Withdrawn"
        SUPERSEDED = "superseded", "Superseded by a renewal"

    number = models.CharField("certificate number", max_length=100, unique=True)
    body = models.ForeignKey(
        CertificationBody, on_delete=models.PROTECT, related_name="certificates"
    )
    scope = models.TextField(help_text="The scope as printed on the certificate.")
    issued_on = models.DateField()
    expires_on = models.DateField()
    issuing_audit = models.ForeignKey(
        ExternalAudit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The stage 2 or recertification audit that led to it.",
    )
    status = models.CharField(
        max_length=20,
        choices=Status.choices,
        default=Status.ACTIVE,
        editable=False,
        db_index=True,
    )
    show_publicly = models.BooleanField(
        default=True, help_text="Whether the public register (when it exists) may show it."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    evidence = GenericRelation(
        "aims.Evidence", content_type_field="target_type", object_id_field="target_id"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-issued_on", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} {self.number}"

    def clean(self) -> None:
        errors = date_range_errors(self, ("issued_on", "expires_on"))
        if errors:
            raise ValidationError(errors)
        if self.issued_on and self.expires_on and self.expires_on <= self.issued_on:
            raise ValidationError({"expires_on": "The certificate must expire after its issue."})

    def is_expired(self, today=None) -> bool:
        return self.expires_on < (today or timezone.localdate())
