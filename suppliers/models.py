"""Suppliers of AI, their due-diligence reviews and the changes vendors make.

This app sits below the inventory: it never names AI systems or components in code. The
records that tie a vendor change to a dependent system (VendorChangeImpact) point at the
system generically (content type + id), like evidence does, and the inventory fills them in.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from aims.models import ReferencedModel, TimeStampedModel
from aims.visibility import ReadByRole


class SupplierType(models.TextChoices):
    MODEL_PROVIDER = "model_provider", "Model provider"
    CLOUD_PLATFORM = "cloud_platform", "Cloud AI platform"
    SAAS_EMBEDDED = "saas_embedded", "SaaS with embedded AI"
    DATA_PROVIDER = "data_provider", "Data provider"
    INTEGRATOR = "integrator", "Integrator or consultancy"


class Criticality(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class SupplierStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    APPROVED_WITH_CONDITIONS = "approved_with_conditions", "Approved with conditions"
    SUSPENDED = "suspended", "Suspended"
    OFFBOARDED = "offboarded", "Offboarded"


class TrainsOnData(models.TextChoices):
    UNKNOWN = "unknown", "Not known yet"
    NO = "no", "No"
    OPT_OUT = "opt_out", "Only unless we opt out"
    YES = "yes", "Yes"


class Supplier(ReadByRole, ReferencedModel, TimeStampedModel):
    REFERENCE_PREFIX = "SUP"

    name = models.CharField(max_length=200, unique=True)
    supplier_type = models.CharField("type", max_length=30, choices=SupplierType.choices)
    services_used = models.TextField(
        blank=True, help_text="The products, models or services we take from this supplier."
    )
    criticality = models.CharField(
        max_length=10, choices=Criticality.choices, default=Criticality.MEDIUM
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="suppliers_owned"
    )
    status = models.CharField(
        max_length=30,
        choices=SupplierStatus.choices,
        default=SupplierStatus.PROPOSED,
        editable=False,
        db_index=True,
    )
    status_conditions = models.TextField("conditions of approval", blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    contract_start = models.DateField(null=True, blank=True)
    contract_end = models.DateField(null=True, blank=True)
    trains_on_our_data = models.CharField(
        "trains on our data",
        max_length=10,
        choices=TrainsOnData.choices,
        default=TrainsOnData.UNKNOWN,
    )
    data_retention = models.CharField(
        max_length=200, blank=True, help_text="How long the vendor keeps our inputs and outputs."
    )
    data_location = models.CharField(
        max_length=200, blank=True, help_text="Countries or regions where our data is processed."
    )
    output_logging = models.TextField(
        blank=True, help_text="What the vendor logs of prompts and outputs, and who can read it."
    )
    iso27001_expires = models.DateField("ISO/IEC 27001 valid until", null=True, blank=True)
    soc2_expires = models.DateField("SOC 2 report valid until", null=True, blank=True)
    iso42001_expires = models.DateField("ISO/IEC 42001 valid until", null=True, blank=True)
    other_certifications = models.TextField(
        blank=True, help_text="Any other certification, each with its expiry date."
    )
    change_notice_commitment = models.TextField(
        "model change notice commitment",
        blank=True,
        help_text="What the contract promises about notice before a model or terms change.",
    )
    sub_processors = models.TextField(blank=True)
    exit_plan = models.TextField(
        "continuity and exit plan",
        blank=True,
        help_text="How we keep running, or move away, if this supplier fails or changes.",
    )
    reassessment_cadence_months = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    next_reassessment_date = models.DateField(null=True, blank=True, db_index=True)
    evidence = GenericRelation(
        "aims.Evidence", content_type_field="target_type", object_id_field="target_id"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "id"]
        permissions = [
            ("approve_supplier", "Can approve a supplier for use"),
            ("manage_supplier_status", "Can suspend and offboard suppliers"),
        ]

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.contract_start and self.contract_end and self.contract_end < self.contract_start:
            raise ValidationError({"contract_end": ["The contract cannot end before it starts."]})

    @property
    def is_usable(self) -> bool:
        return self.status in (
            SupplierStatus.APPROVED,
            SupplierStatus.APPROVED_WITH_CONDITIONS,
        )


class ReviewTopic(models.TextChoices):
    DATA_USE = "data_use", "Data use"
    SECURITY = "security", "Security"
    TRANSPARENCY = "model_transparency", "Model transparency"
    CHANGE_MANAGEMENT = "change_management", "Change management"
    INCIDENT_NOTIFICATION = "incident_notification", "Incident notification"
    CONTINUITY = "continuity", "Continuity"
    COMPLIANCE = "compliance", "Compliance"


class ReviewQuestion(TimeStampedModel):
    """One question of the due-diligence questionnaire. Reviews copy the question when they
    start, so editing or retiring a question never changes a review already under way."""

    topic = models.CharField(max_length=30, choices=ReviewTopic.choices)
    text = models.CharField(max_length=500)
    guidance = models.TextField(blank=True, help_text="What a good answer looks like.")
    weight = models.PositiveSmallIntegerField(
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 (minor) to 5 (decisive).",
    )
    position = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True, help_text="Inactive questions are not asked.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["topic", "position", "id"]

    def __str__(self) -> str:
        return f"{self.get_topic_display()}: {self.text}"


class SupplierReview(ReadByRole, ReferencedModel, TimeStampedModel):
    REFERENCE_PREFIX = "SR"

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"

    class Decision(models.TextChoices):
        APPROVE = "approve", "Recommend approval"
        APPROVE_WITH_CONDITIONS = "approve_with_conditions", "Recommend approval with conditions"
        REJECT = "reject", "Recommend rejection"

    class Rating(models.TextChoices):
        STRONG = "strong", "Strong"
        ADEQUATE = "adequate", "Adequate"
        WEAK = "weak", "Weak"

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="supplier_reviews"
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.IN_PROGRESS, editable=False
    )
    score = models.DecimalField(
        max_digits=5, decimal_places=1, null=True, blank=True, editable=False,
        help_text="Weighted share of the best possible answers, 0 to 100.",
    )  # fmt: skip
    rating = models.CharField(max_length=10, choices=Rating.choices, blank=True, editable=False)
    decision = models.CharField(max_length=30, choices=Decision.choices, blank=True, editable=False)
    conditions = models.TextField(blank=True, editable=False)
    summary = models.TextField(blank=True, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    evidence = GenericRelation(
        "aims.Evidence", content_type_field="target_type", object_id_field="target_id"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.reference} of {self.supplier.name}"

    @property
    def permission_parent(self) -> Supplier:
        return self.supplier


class ReviewAnswer(ReadByRole, TimeStampedModel):
    """One answer of a review, with the question as it was asked (text, topic and weight
    copied from the questionnaire when the review started)."""

    class Value(models.TextChoices):
        UNANSWERED = "", "Not answered yet"
        YES = "yes", "Yes, fully"
        PARTLY = "partly", "Partly"
        NO = "no", "No"
        NOT_APPLICABLE = "na", "Not applicable"

    # Share of the question's weight each answer earns; "not applicable" is left out.
    POINTS = {Value.YES: 1.0, Value.PARTLY: 0.5, Value.NO: 0.0}

    review = models.ForeignKey(SupplierReview, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(
        ReviewQuestion, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    topic = models.CharField(max_length=30, choices=ReviewTopic.choices, editable=False)
    question_text = models.CharField(max_length=500, editable=False)
    weight = models.PositiveSmallIntegerField(editable=False)
    position = models.PositiveSmallIntegerField(default=0, editable=False)
    value = models.CharField(max_length=10, choices=Value.choices, blank=True)
    comment = models.TextField(blank=True)
    evidence = GenericRelation(
        "aims.Evidence", content_type_field="target_type", object_id_field="target_id"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["review_id", "topic", "position", "id"]

    def __str__(self) -> str:
        return self.question_text

    @property
    def permission_parent(self) -> SupplierReview:
        return self.review


class ChangeKind(models.TextChoices):
    NEW_MODEL_VERSION = "new_model_version", "New model version"
    DEPRECATION = "deprecation", "Deprecation"
    TERMS_CHANGE = "terms_change", "Terms or data-use change"
    NEW_SUB_PROCESSOR = "new_sub_processor", "New sub-processor"
    OUTAGE = "outage", "Outage"
    SECURITY_INCIDENT = "security_incident", "Security incident"


class ChangeSource(models.TextChoices):
    VENDOR_NOTICE = "vendor_notice", "Vendor notice"
    DETECTED = "detected", "Detected by us"
    PRESS = "press", "Press or public source"


class VendorChangeNotice(ReadByRole, ReferencedModel, TimeStampedModel):
    REFERENCE_PREFIX = "VC"

    class Status(models.TextChoices):
        OPEN = "open", "Not yet reviewed"
        REVIEWED = "reviewed", "Reviewed"

    supplier = models.ForeignKey(Supplier, on_delete=models.PROTECT, related_name="changes")
    affected_service = models.CharField(
        "affected model or service", max_length=200, help_text="e.g. the model name or API."
    )
    kind = models.CharField(max_length=30, choices=ChangeKind.choices)
    source = models.CharField("how we learned of it", max_length=20, choices=ChangeSource.choices)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    announced_on = models.DateField("announced or detected on", null=True, blank=True)
    effective_on = models.DateField("takes effect on", null=True, blank=True)
    previous_identifier = models.CharField(
        "from version",
        max_length=200,
        blank=True,
        help_text="The model identifier or version in use before the change, if known.",
    )
    observed_identifier = models.CharField(
        "to version",
        max_length=200,
        blank=True,
        help_text="The model identifier or version after the change. With it, the change is "
        "recorded once: the same change seen again is added to this notice.",
    )
    change_key = models.CharField(
        max_length=500,
        blank=True,
        editable=False,
        help_text="Model, from version and to version, normalised: one notice per change "
        "of a supplier's model. Empty for changes without a new version (terms, outages).",
    )
    detection_key = models.CharField(
        max_length=300,
        blank=True,
        editable=False,
        help_text="For detected changes: what was observed where, so it is recorded once.",
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, editable=False, db_index=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "vendor change notice"
        constraints = [
            models.UniqueConstraint(
                fields=["detection_key"],
                condition=~Q(detection_key=""),
                name="vendor_change_detected_once",
            ),
            models.UniqueConstraint(
                fields=["supplier", "change_key"],
                condition=~Q(change_key=""),
                name="one_notice_per_vendor_change",
            ),
        ]

    @property
    def permission_parent(self) -> Supplier:
        return self.supplier


class ReportChannel(models.TextChoices):
    """How a report of a vendor change reached us (kept on each observation)."""

    INTEGRATION = "integration", "Integration (component observation)"
    BROWSER = "browser", "Browser form"
    API = "api", "API"
    IMPORT = "import", "Import or script"


class VendorChangeObservation(TimeStampedModel):
    """One report of a vendor change: a sighting on a component (by an integration) or a
    report recorded by hand (browser, API, import).

    Every report of the same change is kept here, on the one notice of that change, with who
    reported it, when, through which channel and in which words; ``detection_key`` makes a
    repeated report of the same sighting a no-op. The component is named generically
    (content type + id) because this app is below the inventory; a hand-recorded report
    names none."""

    notice = models.ForeignKey(
        VendorChangeNotice, on_delete=models.PROTECT, related_name="observations"
    )
    detection_key = models.CharField(max_length=300, blank=True, editable=False)
    target_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    label = models.CharField(
        max_length=300,
        editable=False,
        help_text="The component as it was named when seen, or the report's own title.",
    )
    channel = models.CharField(
        max_length=20,
        choices=ReportChannel.choices,
        default=ReportChannel.INTEGRATION,
        editable=False,
    )
    source = models.CharField(
        "how we learned of it",
        max_length=20,
        choices=ChangeSource.choices,
        blank=True,
        editable=False,
    )
    wording = models.TextField(
        blank=True, editable=False, help_text="The report's title and description as given."
    )
    previous_identifier = models.CharField(max_length=200, blank=True, editable=False)
    observed_identifier = models.CharField(max_length=200, blank=True, editable=False)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["notice_id", "created_at", "id"]
        verbose_name = "vendor change observation"
        constraints = [
            models.UniqueConstraint(
                fields=["detection_key"],
                condition=~Q(detection_key=""),
                name="vendor_change_sighting_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notice.reference} seen on {self.label}"

    @property
    def is_sighting(self) -> bool:
        return self.target_id is not None

    @property
    def permission_parent(self) -> VendorChangeNotice:
        return self.notice


class VendorChangeImpact(TimeStampedModel):
    """What one vendor change means for one dependent AI system, as its owner assessed it.

    The system is named generically (content type + id) because this app is below the
    inventory; the inventory creates these rows when it fans a notice out.
    """

    class Assessment(models.TextChoices):
        PENDING = "pending", "Awaiting the owner's assessment"
        NO_IMPACT_PROPOSED = "no_impact_proposed", "No impact (awaiting officer confirmation)"
        NO_IMPACT = "no_impact", "No impact"
        REVALIDATE = "revalidate", "Re-validate"
        REAPPROVE = "reapprove", "Re-approve"

    NEEDS_RELEASE = (Assessment.REVALIDATE, Assessment.REAPPROVE)
    # Not assessed yet, for the rules that make a high-tier system wait: an owner's "no
    # impact" counts only once an officer has confirmed it.
    UNASSESSED = (Assessment.PENDING, Assessment.NO_IMPACT_PROPOSED)
    # What an owner (or officer) may answer; "proposed" is where an unconfirmed answer rests.
    CHOICES = (Assessment.NO_IMPACT, Assessment.REVALIDATE, Assessment.REAPPROVE)

    notice = models.ForeignKey(VendorChangeNotice, on_delete=models.CASCADE, related_name="impacts")
    system_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    system_id = models.PositiveBigIntegerField()
    system = GenericForeignKey("system_type", "system_id")
    system_label = models.CharField(
        max_length=300, editable=False, help_text="The system as it was named when flagged."
    )
    components = models.CharField(max_length=500, blank=True, editable=False)
    change_reference = models.CharField(
        max_length=30, blank=True, editable=False, help_text="The change request to review."
    )
    under_review = models.BooleanField(
        default=False,
        editable=False,
        help_text="A deployed high-tier system stays 'change under review' until assessed.",
    )
    assessment = models.CharField(
        max_length=20, choices=Assessment.choices, default=Assessment.PENDING, editable=False
    )
    rationale = models.TextField(blank=True, editable=False)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    assessed_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text="The officer who confirmed 'no impact' on a high-tier system.",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    officer_note = models.TextField(
        blank=True,
        editable=False,
        help_text="The officer's reason for confirming or sending back a 'no impact'.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["notice_id", "system_id", "id"]
        permissions = [
            (
                "confirm_vendorchangeimpact",
                "Can confirm or send back an owner's 'no impact' on a high-tier system",
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "system_type", "system_id"], name="one_impact_per_system"
            )
        ]
        indexes = [models.Index(fields=["system_type", "system_id"])]

    def __str__(self) -> str:
        return f"{self.notice.reference} on {self.system_label}"

    @property
    def permission_parent(self):
        return self.system
