"""The management-system records (ISO/IEC 42001 clauses 4 to 7): the AIMS scope, interested
parties and their feedback, context issues, the AI policy with its versions and
acknowledgements, and the AI objectives with their progress readings. Part of the aims app
(label "aims", tables unchanged): aims.models imports them so Django finds them there."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from aims.models import ReferencedModel, TimeStampedModel

__all__ = [
    "OrganisationProfile",
    "AIMSScope",
    "InterestedParty",
    "PartyFeedback",
    "ContextIssue",
    "Policy",
    "PolicyVersion",
    "PolicyAcknowledgement",
    "Objective",
    "ObjectiveUpdate",
]


# --- The organisation ---------------------------------------------------------------------


class OrganisationProfile(TimeStampedModel):
    """Who runs this AIMS: the organisation's name and shape, whom to contact, and which
    frameworks it works to. One record (the first run writes it), changed through its history;
    other apps show the organisation's name from here."""

    class Sector(models.TextChoices):
        PUBLIC = "public", "Public sector"
        FINANCE = "finance", "Finance and insurance"
        HEALTH = "health", "Health and care"
        RETAIL = "retail", "Retail and consumer services"
        MANUFACTURING = "manufacturing", "Manufacturing"
        TECHNOLOGY = "technology", "Technology and software"
        EDUCATION = "education", "Education and research"
        ENERGY = "energy", "Energy and utilities"
        TRANSPORT = "transport", "Transport and logistics"
        OTHER = "other", "Other"

    class SizeBand(models.TextChoices):
        MICRO = "1-9", "1 to 9 people"
        SMALL = "10-49", "10 to 49 people"
        MEDIUM = "50-249", "50 to 249 people"
        LARGE = "250-999", "250 to 999 people"
        ENTERPRISE = "1000+", "1,000 people or more"

    class Framework(models.TextChoices):
        ISO42001 = "iso42001", "ISO/IEC 42001 (AI management system)"
        ISO27001 = "iso27001", "ISO/IEC 27001 (information security)"
        EU_AI_ACT = "eu_ai_act", "EU AI Act"
        NIST_AI_RMF = "nist_ai_rmf", "NIST AI RMF"
        ISO27701 = "iso27701", "ISO/IEC 27701 (privacy information)"
        ISO9001 = "iso9001", "ISO 9001 (quality)"
        OTHER = "other", "Other"

    legal_name = models.CharField(
        max_length=200, help_text="The registered name of the organisation."
    )
    sector = models.CharField(max_length=20, choices=Sector.choices)
    size_band = models.CharField("size", max_length=10, choices=SizeBand.choices)
    countries = models.CharField(
        "countries of operation",
        max_length=300,
        help_text="Where the organisation operates, separated by commas.",
    )
    contact_name = models.CharField("contact person", max_length=200)
    contact_email = models.EmailField("contact email")
    frameworks = models.JSONField(
        "frameworks in use",
        default=list,
        blank=True,
        help_text="Codes of the frameworks the organisation works to; ISO/IEC 42001 always.",
    )
    frameworks_other = models.CharField(
        "other frameworks", max_length=200, blank=True, help_text="Name them when Other is chosen."
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "organisation profile"

    def __str__(self) -> str:
        return self.legal_name

    def clean(self) -> None:
        known = set(self.Framework.values)
        if not isinstance(self.frameworks, list) or not all(
            isinstance(code, str) for code in self.frameworks
        ):
            raise ValidationError({"frameworks": ["Give a list of framework codes."]})
        unknown = sorted(set(self.frameworks) - known)
        if unknown:
            raise ValidationError({"frameworks": [f"Unknown framework: {', '.join(unknown)}."]})
        if self.frameworks and self.Framework.ISO42001 not in self.frameworks:
            self.frameworks = [self.Framework.ISO42001, *self.frameworks]
        self.frameworks = [code for code in self.Framework.values if code in self.frameworks]
        if self.Framework.OTHER in self.frameworks and not self.frameworks_other.strip():
            raise ValidationError({"frameworks_other": ["Name the other framework."]})

    def framework_labels(self) -> list[str]:
        labels = dict(self.Framework.choices)
        names = [labels[code] for code in self.frameworks if code != self.Framework.OTHER]
        if self.Framework.OTHER in self.frameworks and self.frameworks_other:
            names.append(self.frameworks_other)
        return names


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
