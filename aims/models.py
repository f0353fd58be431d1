import hashlib

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from .history import HistoryWithRelations
from .visibility import RestrictedManager, own_records_rule, owner_or_parent_rule


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    # ``Model.objects.restrict(user, action)``: the records a user may see or change.
    objects = RestrictedManager()

    class Meta:
        abstract = True


class ReferencedModel(models.Model):
    """A register entry with a human reference such as ``AIS-0007`` derived from its id."""

    REFERENCE_PREFIX = ""

    class Meta:
        abstract = True

    def __str__(self) -> str:
        label = getattr(self, "name", None) or getattr(self, "title", None) or ""
        return f"{self.reference} {label}".strip()

    @property
    def reference(self) -> str:
        return format_reference(self.REFERENCE_PREFIX, self.pk)


def format_reference(prefix: str, pk: int | None) -> str:
    return f"{prefix}-{pk:04d}" if pk else f"{prefix}-new"


def parse_reference(prefix: str, text: str) -> int | None:
    """``AIS-0012`` or ``ais-12`` -> 12; anything else -> None."""
    text = text.strip().upper()
    if text.startswith(prefix + "-") and text[len(prefix) + 1 :].isdigit():
        return int(text[len(prefix) + 1 :])
    return None


def evidence_upload_to(instance: "Evidence", filename: str) -> str:
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class Evidence(ReferencedModel, TimeStampedModel):
    """A file or a link that proves something, attached to any record."""

    REFERENCE_PREFIX = "EVD"

    class Kind(models.TextChoices):
        FILE = "file", "Uploaded file"
        LINK = "link", "Link"

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, editable=False)
    file = models.FileField(upload_to=evidence_upload_to, blank=True, max_length=300)
    original_filename = models.CharField(max_length=255, blank=True)
    size_bytes = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    url = models.URLField("link", max_length=500, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence_owned"
    )
    valid_from = models.DateField(null=True, blank=True)
    valid_until = models.DateField(null=True, blank=True)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    # A replaced file is a new version: the new row points at the one it replaces, which is
    # kept (and marked superseded) so earlier audits can still see what they relied on.
    replaces = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
        editable=False,
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    superseded_at = models.DateTimeField(null=True, blank=True, editable=False, db_index=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "evidence"
        indexes = [models.Index(fields=["target_type", "target_id"])]

    @property
    def permission_parent(self):
        # Evidence is as visible, and as changeable, as the record it proves.
        return self.target

    @staticmethod
    def hash_file(uploaded) -> str:
        digest = hashlib.sha256()
        for chunk in uploaded.chunks():
            digest.update(chunk)
        uploaded.seek(0)
        return digest.hexdigest()


class Notification(models.Model):
    """An in-app message to one user; emailed after commit. Not a domain record: no history."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    link = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # Set by the reminder sweep ("<kind>:<label>:<pk>:<due date>") so a second run on the
    # same day, or the next day for the same due date, notifies nobody twice.
    dedupe_key = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"]),
            # What the daily digest still has to send: small, so the digest stays fast as the
            # table grows over the years.
            models.Index(
                fields=["recipient"],
                name="notification_digest_pending",
                condition=models.Q(emailed_at__isnull=True, read_at__isnull=True)
                & ~models.Q(dedupe_key=""),
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="one_notification_per_reminder",
            )
        ]

    def __str__(self) -> str:
        return self.title


class CorrectiveAction(ReferencedModel, TimeStampedModel):
    """A corrective action (CAPA) on a nonconformity, linked to its source record (an incident
    today; audit findings, reviews and risks later) through one generic link.

    Rights follow the source (``permission_parent``): whoever may change the source may work on
    its corrective actions. Effectiveness is verified by someone other than the owner, with
    evidence, before the action can close.
    """

    REFERENCE_PREFIX = "CAPA"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        IMPLEMENTED = "implemented", "Implemented, awaiting verification"
        VERIFIED = "verified", "Verified effective"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=200)
    nonconformity = models.TextField("nonconformity", help_text="What went wrong, and where.")
    root_cause = models.TextField(blank=True)
    action_plan = models.TextField(help_text="What will be done to remove the cause.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="corrective_actions"
    )
    due_date = models.DateField()
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.OPEN, editable=False, db_index=True
    )
    source_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, editable=False)
    source_id = models.PositiveBigIntegerField(editable=False)
    source = GenericForeignKey("source_type", "source_id")
    implemented_at = models.DateTimeField(null=True, blank=True, editable=False)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    verified_at = models.DateTimeField(null=True, blank=True, editable=False)
    verification_notes = models.TextField(blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    evidence = GenericRelation(
        "aims.Evidence", content_type_field="target_type", object_id_field="target_id"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "corrective action"
        permissions = [("verify_correctiveaction", "Can verify the effectiveness of CAPAs")]
        indexes = [models.Index(fields=["source_type", "source_id"])]

    @property
    def permission_parent(self):
        return self.source

    @classmethod
    def visibility_rule(cls, user, action: str, prefix: str):
        return owner_or_parent_rule(cls, user, action, prefix)


# --- Management-system records (ISO/IEC 42001 clauses 4 to 7) --------------------------------


class AIMSScope(TimeStampedModel):
    """The scope of the AI management system (4.3). One current record, changed through its
    history; which AI systems are in scope is a flag on each system (inventory sits above)."""

    statement = models.TextField(help_text="What the management system covers, in a paragraph.")
    boundaries = models.TextField(
        blank=True, help_text="Organisational units, sites, products and processes included."
    )
    exclusions = models.TextField(blank=True, help_text="What is left out, and why.")
    ai_roles = models.CharField(
        "the organisation's AI roles",
        max_length=200,
        blank=True,
        help_text="For example provider, deployer, importer; see clause 4.1.",
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    next_review_date = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "AIMS scope"

    def __str__(self) -> str:
        return "Scope of the AI management system"


class InterestedParty(TimeStampedModel):
    """Someone with needs the AIMS must consider (4.2)."""

    class Category(models.TextChoices):
        CUSTOMERS = "customers", "Customers and users"
        AFFECTED = "affected", "People affected by AI outputs"
        EMPLOYEES = "employees", "Employees"
        REGULATORS = "regulators", "Regulators and authorities"
        SUPPLIERS = "suppliers", "Suppliers and partners"
        INVESTORS = "investors", "Owners and investors"
        SOCIETY = "society", "Society and civil groups"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=Category.choices)
    is_internal = models.BooleanField(default=False)
    requirements = models.TextField(help_text="What they need or expect from our use of AI.")
    addressed_by = models.TextField(
        "how we address it", blank=True, help_text="Which process, control or record responds."
    )
    relevant_to_aims = models.BooleanField("addressed through the AIMS", default=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "interested parties"

    def __str__(self) -> str:
        return self.name


class PartyFeedback(TimeStampedModel):
    """Something an interested party told us about the AIMS or our use of AI (a complaint, a
    request, praise, a regulator's remark): an input to the management review (9.3.2 c, d)."""

    party = models.ForeignKey(InterestedParty, on_delete=models.PROTECT, related_name="feedback")
    received_on = models.DateField()
    summary = models.TextField(help_text="What they told us, in a few sentences.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="received by",
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = "feedback from an interested party"
        verbose_name_plural = "feedback from interested parties"

    def __str__(self) -> str:
        return f"{self.party} ({self.received_on:%Y-%m-%d})"

    def clean(self) -> None:
        from django.utils import timezone

        if self.received_on and self.received_on > timezone.localdate():
            raise ValidationError({"received_on": "Feedback cannot be received in the future."})


class ContextIssue(TimeStampedModel):
    """An internal or external issue that affects what the AIMS can achieve (4.1)."""

    class Kind(models.TextChoices):
        INTERNAL = "internal", "Internal"
        EXTERNAL = "external", "External"

    class Category(models.TextChoices):
        LEGAL = "legal", "Legal and regulatory"
        TECHNOLOGY = "technology", "Technology"
        MARKET = "market", "Market and competition"
        SOCIETY = "society", "Social and ethical"
        CLIMATE = "climate", "Climate and environment"
        ORGANISATION = "organisation", "Organisation and culture"
        RESOURCES = "resources", "Resources and skills"
        OTHER = "other", "Other"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    category = models.CharField(max_length=20, choices=Category.choices)
    description = models.TextField(blank=True)
    effect = models.TextField("effect on the AIMS", blank=True)
    is_active = models.BooleanField(default=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["kind", "title", "id"]

    def __str__(self) -> str:
        return self.title


class Policy(ReferencedModel, TimeStampedModel):
    """A governed document such as the AI policy (5.2), whose text lives in versions."""

    REFERENCE_PREFIX = "POL"

    title = models.CharField(max_length=200)
    purpose = models.TextField(blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="policies_owned"
    )
    review_interval_months = models.PositiveSmallIntegerField(default=12)
    next_review_date = models.DateField(null=True, blank=True, db_index=True)
    requires_acknowledgement = models.BooleanField(
        default=True, help_text="Every user is asked to acknowledge the published version."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["title", "id"]
        verbose_name_plural = "policies"
        permissions = [
            ("approve_policy", "Can approve and publish policy versions"),
        ]


class PolicyVersion(TimeStampedModel):
    """One version of a policy's text: draft, approved, published, then superseded."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"
        SUPERSEDED = "superseded", "Superseded"

    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(editable=False)
    body = models.TextField("policy text")
    change_summary = models.TextField("what changed", blank=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False, db_index=True
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    approved_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["policy", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "number"], name="one_policy_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.policy.reference} v{self.number}"

    @property
    def permission_parent(self) -> Policy:
        return self.policy


class PolicyAcknowledgement(models.Model):
    """A user's statement that they read a published policy version. Written once."""

    version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, related_name="acknowledgements"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="policy_acknowledgements"
    )
    acknowledged_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-acknowledged_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "user"], name="one_acknowledgement")
        ]

    def __str__(self) -> str:
        return f"{self.user} acknowledged {self.version}"


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


class Objective(ReferencedModel, TimeStampedModel):
    """An AI objective with a measurable target (6.2)."""

    REFERENCE_PREFIX = "OBJ"

    class Status(models.TextChoices):
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        ACHIEVED = "achieved", "Achieved"
        MISSED = "missed", "Missed"
        CANCELLED = "cancelled", "Cancelled"

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    measure = models.CharField(max_length=200, help_text="What is measured, and how.")
    baseline = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    target_value = models.DecimalField(max_digits=12, decimal_places=2)
    unit = models.CharField(max_length=30, blank=True)
    higher_is_better = models.BooleanField(default=True)
    current_value = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, editable=False
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="objectives_owned"
    )
    due_date = models.DateField()
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.ON_TRACK, db_index=True
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]


class ObjectiveUpdate(models.Model):
    """A progress reading on an objective; the objective keeps the latest value."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="updates")
    value = models.DecimalField(max_digits=12, decimal_places=2)
    note = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    recorded_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-recorded_on", "-id"]

    def __str__(self) -> str:
        return f"{self.objective.reference}: {self.value} on {self.recorded_on}"

    @property
    def permission_parent(self) -> Objective:
        return self.objective


# --- Reminders (issue 7) ---------------------------------------------------------------------


class ReminderRule(TimeStampedModel):
    """How far ahead the daily sweep warns about one kind of due date. Officers edit these."""

    kind = models.CharField(max_length=40, unique=True)
    label = models.CharField(max_length=200)
    lead_days = models.PositiveSmallIntegerField(default=14)
    enabled = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["label"]

    def __str__(self) -> str:
        return self.label


class DigestLog(models.Model):
    """The one digest email a user gets per day; its existence makes the sweep idempotent."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField()
    item_count = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "day"], name="one_digest_per_day")
        ]

    def __str__(self) -> str:
        return f"Digest for {self.recipient} on {self.day}"
