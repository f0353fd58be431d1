"""Risk records: the methodology, EU AI Act classifications, internal tier decisions and the
tier requirements matrix, risk assessments, the risk register with treatment actions, and
AI system impact assessments. Every model keeps its history."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from aims.models import ReferencedModel, TimeStampedModel
from inventory.models import AISystem, Gate, RiskTier


class Level(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


LEVEL_RANK = {Level.LOW: 1, Level.MEDIUM: 2, Level.HIGH: 3, Level.CRITICAL: 4}


def default_likelihood_scale() -> list[dict]:
    return [
        {"value": 1, "label": "Rare", "description": "Not expected in the system's lifetime."},
        {"value": 2, "label": "Unlikely", "description": "Could happen, not expected yearly."},
        {"value": 3, "label": "Possible", "description": "Might happen about once a year."},
        {"value": 4, "label": "Likely", "description": "Expected several times a year."},
        {"value": 5, "label": "Almost certain", "description": "Expected monthly or more."},
    ]


def default_impact_scale() -> list[dict]:
    return [
        {"value": 1, "label": "Negligible", "description": "No lasting effect on anyone."},
        {"value": 2, "label": "Minor", "description": "Small, easily reversed inconvenience."},
        {
            "value": 3,
            "label": "Moderate",
            "description": "Noticeable harm, reversible with effort.",
        },
        {"value": 4, "label": "Major", "description": "Serious harm to people or rights."},
        {"value": 5, "label": "Severe", "description": "Irreversible harm, legal breach, safety."},
    ]


def default_thresholds() -> dict:
    # Highest score of each level; anything above "high" is critical.
    return {"low": 4, "medium": 9, "high": 16}


class Methodology(TimeStampedModel):
    """How risks are scored. One current methodology; each change raises ``version`` and is
    in the history. Risks store their own scores, levels and the version used, so a change
    never rewrites a past assessment."""

    name = models.CharField(max_length=200, default="AIMS risk methodology")
    version = models.PositiveIntegerField(default=1, editable=False)
    likelihood_scale = models.JSONField(default=default_likelihood_scale)
    impact_scale = models.JSONField(default=default_impact_scale)
    thresholds = models.JSONField(
        default=default_thresholds,
        help_text="Highest score that is still low, medium and high; above that: critical.",
    )
    appetite = models.CharField(
        max_length=10,
        choices=Level.choices,
        default=Level.MEDIUM,
        help_text="The highest residual level accepted without an approver's sign-off.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "methodologies"

    def __str__(self) -> str:
        return f"{self.name} (v{self.version})"

    @property
    def likelihood_max(self) -> int:
        return len(self.likelihood_scale)

    @property
    def impact_max(self) -> int:
        return len(self.impact_scale)

    def level_for(self, score: int) -> str:
        for level in (Level.LOW, Level.MEDIUM, Level.HIGH):
            if score <= int(self.thresholds.get(level, 0)):
                return level
        return Level.CRITICAL

    def above_appetite(self, level: str) -> bool:
        return LEVEL_RANK[level] > LEVEL_RANK[self.appetite]


class EUClass(models.TextChoices):
    PROHIBITED = "prohibited", "Prohibited (Art. 5)"
    HIGH_RISK = "high_risk", "High-risk"
    LIMITED = "limited", "Limited risk (transparency, Art. 50)"
    MINIMAL = "minimal", "Minimal risk"
    # The questionnaire's result when an answer is "not sure": a governance officer decides.
    # Never a confirmed result, never a tier.
    PENDING = "pending", "Classification pending"


# What an officer may confirm: every class but "pending".
CONFIRMABLE = [c for c in EUClass.choices if c[0] != EUClass.PENDING]


class OperatorRole(models.TextChoices):
    PROVIDER = "provider", "Provider"
    DEPLOYER = "deployer", "Deployer"
    IMPORTER = "importer", "Importer"
    DISTRIBUTOR = "distributor", "Distributor"
    PRODUCT_MANUFACTURER = "product_manufacturer", "Product manufacturer"


class SystemRecord(TimeStampedModel):
    """A risk record that belongs to one AI system and follows its permissions."""

    class Meta:
        abstract = True

    @property
    def permission_parent(self) -> AISystem:
        return self.system


class Classification(SystemRecord):
    """The EU AI Act classification of one system: the questionnaire's answers (under a
    numbered questionnaire version), the result the questionnaire proposes with its reasoning
    and obligations, and the result a governance officer confirmed. Only the confirmed result
    counts for the tier and the gates; every version is in the history.

    ``status`` follows the answers: a draft, submitted for confirmation, confirmed. A new
    draft over a confirmed classification keeps the confirmed result (and so the tier) until
    an officer confirms again."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted, waiting for confirmation"
        CONFIRMED = "confirmed", "Confirmed"

    system = models.OneToOneField(
        AISystem, on_delete=models.CASCADE, related_name="eu_classification"
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    questionnaire_version = models.PositiveSmallIntegerField(
        default=1,
        editable=False,
        help_text="The version of the questionnaire the answers were given under.",
    )
    answers = models.JSONField(default=dict)
    role = models.CharField(max_length=30, choices=OperatorRole.choices)
    result = models.CharField(
        "proposed result",
        max_length=20,
        choices=EUClass.choices,
        editable=False,
        help_text="What the questionnaire concludes from the answers; 'pending' when an "
        "answer is 'not sure'.",
    )
    provisional_result = models.CharField(
        max_length=20,
        choices=EUClass.choices,
        blank=True,
        editable=False,
        help_text="When pending: the result if every 'not sure' were 'no'.",
    )
    unsure = models.JSONField(
        default=list, editable=False, help_text="The questions answered 'not sure'."
    )
    route = models.CharField(max_length=200, blank=True, editable=False)
    reasoning = models.JSONField(default=list, editable=False)
    obligations = models.JSONField(
        default=list,
        editable=False,
        help_text="Each obligation: text, articles, applies (a key of the dates table), party.",
    )
    fria_required = models.BooleanField(default=False, editable=False)
    notes = models.TextField(blank=True)
    classified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_result = models.CharField(
        max_length=20,
        choices=CONFIRMABLE,
        blank=True,
        editable=False,
        help_text="The result a governance officer confirmed: the one the tier uses.",
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )
    confirmed_at = models.DateTimeField(null=True, blank=True, editable=False)
    confirmed_version = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="The questionnaire version of the confirmed answers.",
    )
    confirmation_reason = models.TextField(blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["system_id"]
        permissions = [
            ("confirm_classification", "Can confirm or change an EU AI Act classification"),
        ]

    def __str__(self) -> str:
        return f"{self.system.reference}: {self.get_result_display()}"

    @property
    def is_pending(self) -> bool:
        """No confirmed result yet: the system shows "classification pending"."""
        return not self.confirmed_result


class ObligationTimeline(TimeStampedModel):
    """Which dates the obligations apply from: the AI Act's own timeline or the Digital
    Omnibus proposal's, and optional override dates per key of the engine's table. One row;
    officers switch it without a release, and the history keeps each change."""

    class Timeline(models.TextChoices):
        ACT = "act", "The AI Act as adopted"
        OMNIBUS = "omnibus", "The Digital Omnibus proposal"

    timeline = models.CharField(max_length=10, choices=Timeline.choices, default=Timeline.ACT)
    overrides = models.JSONField(
        default=dict,
        blank=True,
        help_text="Key of the dates table -> ISO date, replacing the timeline's date.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.get_timeline_display()


class TierDecision(SystemRecord):
    """Why a system has its internal risk tier (the tier itself lives on the system)."""

    system = models.OneToOneField(AISystem, on_delete=models.CASCADE, related_name="tier_decision")
    tier = models.CharField(max_length=20, choices=RiskTier.choices, editable=False)
    reasons = models.JSONField(default=list, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["system_id"]

    def __str__(self) -> str:
        return f"{self.system.reference}: {self.get_tier_display()}"


class TierRequirement(TimeStampedModel):
    """What a tier needs before a gate (one row per tier and gate), edited by officers."""

    tier = models.CharField(max_length=20, choices=RiskTier.choices)
    gate = models.CharField(max_length=10, choices=Gate.choices)
    classification = models.BooleanField("EU AI Act classification recorded", default=True)
    risk_assessment = models.BooleanField("current risk assessment", default=False)
    residual_within_appetite = models.BooleanField(
        "residual risks within appetite or accepted", default=False
    )
    impact_assessment = models.BooleanField("impact assessment signed off", default=False)
    human_oversight_plan = models.BooleanField("human oversight plan", default=False)
    bias_validation = models.BooleanField("bias validation passed", default=False)
    accuracy_validation = models.BooleanField("accuracy validation passed", default=False)
    oversight_person = models.BooleanField(
        "named oversight person with in-date training",
        default=False,
        help_text="EU AI Act Art. 14 and 26(2): a named person oversees the system in use.",
    )
    independent_validation = models.BooleanField(
        "validation independent of the owner",
        default=False,
        help_text="The validation records that count are performed or reviewed by someone "
        "other than the system's owner.",
    )
    min_approvals = models.PositiveSmallIntegerField(
        "approvals", default=1, validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    review_months = models.PositiveSmallIntegerField(
        "review every (months)",
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="Also how old the latest risk assessment may be to count as current.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["tier", "gate"]
        constraints = [
            models.UniqueConstraint(fields=["tier", "gate"], name="one_requirement_per_tier_gate")
        ]

    def __str__(self) -> str:
        return f"{self.get_tier_display()} / {self.get_gate_display()}"


class RiskAssessment(ReferencedModel, SystemRecord):
    REFERENCE_PREFIX = "RA"

    system = models.ForeignKey(AISystem, on_delete=models.CASCADE, related_name="risk_assessments")
    title = models.CharField(max_length=200)
    assessed_on = models.DateField()
    assessor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scope = models.TextField()
    method = models.TextField(blank=True)
    participants = models.TextField(blank=True)
    conclusion = models.TextField(blank=True)
    methodology_version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-assessed_on", "-id"]


class Risk(ReferencedModel, SystemRecord):
    REFERENCE_PREFIX = "RSK"

    class Category(models.TextChoices):
        FAIRNESS = "fairness", "Fairness / bias"
        PRIVACY = "privacy", "Privacy"
        SAFETY = "safety", "Safety"
        SECURITY = "security", "Security"
        TRANSPARENCY = "transparency", "Transparency / explainability"
        ACCURACY = "accuracy", "Accuracy / hallucination"
        ROBUSTNESS = "robustness", "Robustness"
        MISUSE = "misuse", "Misuse"
        HUMAN_OVERSIGHT = "human_oversight", "Human oversight"
        THIRD_PARTY = "third_party", "Third-party dependency"
        LEGAL = "legal", "Legal / regulatory"
        ENVIRONMENTAL = "environmental", "Environmental"
        OTHER = "other", "Other"

    class Source(models.TextChoices):
        # ISO/IEC 42001 Annex C.3 risk sources
        ENVIRONMENT = "environment", "C.3.1 Complexity of environment"
        TRANSPARENCY = "transparency", "C.3.2 Lack of transparency and explainability"
        AUTOMATION = "automation", "C.3.3 Level of automation"
        MACHINE_LEARNING = "machine_learning", "C.3.4 Machine learning (data, training approach)"
        HARDWARE = "hardware", "C.3.5 System hardware issues"
        LIFE_CYCLE = "life_cycle", "C.3.6 System life cycle issues"
        READINESS = "readiness", "C.3.7 Technology readiness"
        OTHER = "other", "Other"

    class Treatment(models.TextChoices):
        MITIGATE = "mitigate", "Mitigate"
        ACCEPT = "accept", "Accept"
        TRANSFER = "transfer", "Transfer"
        AVOID = "avoid", "Avoid"

    class Acceptance(models.TextChoices):
        NOT_NEEDED = "not_needed", "Within appetite"
        PENDING = "pending", "Above appetite: acceptance needed"
        ACCEPTED = "accepted", "Accepted above appetite"

    system = models.ForeignKey(AISystem, on_delete=models.CASCADE, related_name="risks")
    assessment = models.ForeignKey(
        RiskAssessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="risks"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    category = models.CharField(max_length=20, choices=Category.choices)
    risk_source = models.CharField(max_length=20, choices=Source.choices)
    inherent_likelihood = models.PositiveSmallIntegerField()
    inherent_impact = models.PositiveSmallIntegerField()
    inherent_score = models.PositiveSmallIntegerField(editable=False)
    inherent_level = models.CharField(max_length=10, choices=Level.choices, editable=False)
    treatment = models.CharField(max_length=10, choices=Treatment.choices)
    residual_likelihood = models.PositiveSmallIntegerField()
    residual_impact = models.PositiveSmallIntegerField()
    residual_score = models.PositiveSmallIntegerField(editable=False)
    residual_level = models.CharField(
        max_length=10, choices=Level.choices, editable=False, db_index=True
    )
    methodology_version = models.PositiveIntegerField(editable=False)
    appetite = models.CharField(
        "appetite when scored", max_length=10, choices=Level.choices, editable=False
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="risks_owned"
    )
    review_date = models.DateField(null=True, blank=True)
    acceptance = models.CharField(
        max_length=20, choices=Acceptance.choices, default=Acceptance.NOT_NEEDED, editable=False
    )
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    acceptance_justification = models.TextField(blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-residual_score", "id"]
        permissions = [("accept_risk", "Can accept a residual risk above appetite")]
        # The dashboard and the gap list: risks whose review is overdue, and those awaiting
        # acceptance (highest residual score first), are read from an index at any size.
        indexes = [
            models.Index(fields=["system", "residual_level"]),
            models.Index(fields=["review_date", "id"], name="risk_review_date_idx"),
            models.Index(
                fields=["acceptance", "-residual_score", "id"], name="risk_acceptance_idx"
            ),
            # The register's and the API list's order: a page is read off the index instead
            # of sorting every risk (185 ms at 100,000 risks).
            models.Index(fields=["-residual_score", "id"], name="risk_register_order_idx"),
            # The heat maps count risks per cell from this index alone (no table read).
            models.Index(
                fields=[
                    "inherent_likelihood",
                    "inherent_impact",
                    "residual_likelihood",
                    "residual_impact",
                ],
                name="risk_heatmap_cells_idx",
            ),
        ]


class TreatmentAction(TimeStampedModel):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def permission_parent(self) -> Risk:
        return self.risk

    @property
    def system(self) -> AISystem:
        return self.risk.system


class ImpactAssessment(ReferencedModel, SystemRecord):
    """An AI system impact assessment (ISO/IEC 42001 6.1.4 / 8.4), with the fields of an EU
    fundamental rights impact assessment (AI Act Art. 27) where one is required."""

    REFERENCE_PREFIX = "IA"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SIGNED_OFF = "signed_off", "Signed off"

    system = models.ForeignKey(
        AISystem, on_delete=models.CASCADE, related_name="impact_assessments"
    )
    title = models.CharField(max_length=200)
    affected_individuals = models.TextField()
    affected_groups = models.TextField(blank=True)
    societal_impacts = models.TextField("society", blank=True)
    intended_use = models.TextField()
    foreseeable_misuse = models.TextField("reasonably foreseeable misuse", blank=True)
    harms = models.JSONField(
        default=list,
        blank=True,
        help_text="Each harm: description, severity (1-5), likelihood (1-5), reversibility.",
    )
    benefits = models.TextField(blank=True)
    mitigations = models.TextField(blank=True)
    human_oversight_measures = models.TextField(blank=True)
    conclusion = models.TextField(blank=True)
    # Article 27 FRIA
    fria_processes = models.TextField("deployer's processes using the system", blank=True)
    fria_period_frequency = models.TextField("period and frequency of use", blank=True)
    fria_affected_categories = models.TextField("categories of persons affected", blank=True)
    fria_specific_risks = models.TextField("specific risks of harm to those persons", blank=True)
    fria_oversight = models.TextField("human oversight measures (FRIA)", blank=True)
    fria_measures_if_materialised = models.TextField(
        "measures if the risks materialise (governance, complaints)", blank=True
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    signed_off_at = models.DateTimeField(null=True, blank=True, editable=False)
    sign_off_comment = models.TextField(blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("signoff_impactassessment", "Can sign off impact assessments")]

    FRIA_FIELDS = (
        "fria_processes",
        "fria_period_frequency",
        "fria_affected_categories",
        "fria_specific_risks",
        "fria_oversight",
        "fria_measures_if_materialised",
    )
