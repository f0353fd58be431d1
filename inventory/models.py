from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.contenttypes.fields import GenericRelation
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from aims.models import ReferencedModel, TimeStampedModel


class LifecycleStage(models.TextChoices):
    INTAKE_SUBMITTED = "intake_submitted", "Intake submitted"
    IN_TRIAGE = "in_triage", "In triage"
    CHANGES_REQUESTED = "changes_requested", "Changes requested"
    REJECTED = "rejected", "Rejected"
    APPROVED_FOR_DEVELOPMENT = "approved_for_development", "Approved for development"
    IN_VALIDATION = "in_validation", "In validation"
    DEPLOYED = "deployed", "Approved for release (deployed)"
    RETIRED = "retired", "Retired"


class Gate(models.TextChoices):
    INTAKE = "intake", "Intake gate"
    RELEASE = "release", "Release gate"


class BusinessUnit(models.TextChoices):
    HR = "hr", "Human resources"
    CUSTOMER_SERVICE = "customer_service", "Customer service"
    FINANCE = "finance", "Finance"
    MARKETING = "marketing", "Marketing"
    SOFTWARE = "software", "Software development"
    OPERATIONS = "operations", "Operations"
    LEGAL = "legal", "Legal and compliance"
    OTHER = "other", "Other"


class DeploymentType(models.TextChoices):
    IN_HOUSE = "in_house", "Built in-house"
    FINE_TUNED = "fine_tuned", "Fine-tuned model"
    THIRD_PARTY_API = "third_party_api", "Third-party API"
    SAAS_EMBEDDED = "saas_embedded", "AI inside a SaaS product"
    SELF_HOSTED_OPEN = "self_hosted_open", "Self-hosted open model"


class AITechnique(models.TextChoices):
    GENERATIVE = "generative", "Generative AI / LLM"
    PREDICTIVE = "predictive", "Predictive machine learning"
    VISION = "vision", "Computer vision"
    SPEECH = "speech", "Speech"
    RULES = "rules", "Rules-based"
    OTHER = "other", "Other"


class DecisionImpact(models.TextChoices):
    ASSISTS = "assists", "Assists a human"
    DECIDES_WITH_REVIEW = "decides_with_review", "Decides, with human review"
    DECIDES_ALONE = "decides_alone", "Decides alone, with legal or similarly significant effect"


class HumanOversight(models.TextChoices):
    IN_THE_LOOP = "in_the_loop", "Human in the loop (approves each output)"
    ON_THE_LOOP = "on_the_loop", "Human on the loop (monitors, can intervene)"
    IN_COMMAND = "in_command", "Human in command (decides when and how to use it)"
    NONE = "none", "No human oversight"


class PersonalData(models.TextChoices):
    NONE = "none", "No personal data"
    PERSONAL = "personal", "Personal data"
    SPECIAL = "special", "Special category data"


class RiskTier(models.TextChoices):
    """The organisation's internal tier, which decides what a system needs at each gate.
    Derived by the risk capability from the EU AI Act class, decision impact, personal data
    and residual risk; "prohibited" means no gate can pass."""

    UNCLASSIFIED = "unclassified", "Unclassified"
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    PROHIBITED = "prohibited", "Prohibited"


class AISystem(ReferencedModel, TimeStampedModel):
    REFERENCE_PREFIX = "AIS"

    name = models.CharField(max_length=200)
    purpose = models.TextField(help_text="What the system does and the decision or task it serves.")
    expected_benefit = models.TextField(blank=True)
    business_unit = models.CharField(max_length=30, choices=BusinessUnit.choices)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ai_systems_owned"
    )
    lifecycle_stage = models.CharField(
        max_length=30,
        choices=LifecycleStage.choices,
        default=LifecycleStage.INTAKE_SUBMITTED,
        editable=False,
        db_index=True,
    )
    deployment_type = models.CharField(max_length=30, choices=DeploymentType.choices)
    ai_technique = models.CharField("AI technique", max_length=30, choices=AITechnique.choices)
    decision_impact = models.CharField(max_length=30, choices=DecisionImpact.choices)
    human_oversight = models.CharField(
        "human oversight mode", max_length=30, choices=HumanOversight.choices
    )
    intended_users = models.TextField("who uses it", blank=True)
    affected_groups = models.TextField(
        blank=True, help_text="People or groups the outputs affect, inside and outside."
    )
    data_description = models.TextField("data used", blank=True)
    personal_data = models.CharField(
        max_length=20, choices=PersonalData.choices, default=PersonalData.NONE
    )
    user_facing = models.BooleanField(
        default=False, help_text="People interact with it directly or see its outputs as such."
    )
    used_in_eu = models.BooleanField("used in the EU", default=False)
    known_risks = models.TextField(blank=True)
    external_id = models.CharField(
        "external id",
        max_length=100,
        blank=True,
        help_text="The organisation's own identifier of the system (from its spreadsheet or "
        "other tool); imports find the system by it. Unique when given.",
    )
    risk_tier = models.CharField(
        max_length=20,
        choices=RiskTier.choices,
        default=RiskTier.UNCLASSIFIED,
        editable=False,
        db_index=True,
        help_text="Set by the risk classification, not by hand.",
    )
    review_cadence_months = models.PositiveSmallIntegerField(
        default=12, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    next_review_date = models.DateField(null=True, blank=True, db_index=True)
    in_aims_scope = models.BooleanField(
        "in the AIMS scope",
        default=True,
        help_text="Covered by the AI management system (clause 4.3).",
    )
    oversight_person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="systems_overseen",
        help_text="The person who exercises human oversight; high tiers need in-date training.",
    )
    intake_round = models.PositiveSmallIntegerField(default=1, editable=False)
    release_round = models.PositiveSmallIntegerField(default=1, editable=False)
    returned_from_gate = models.CharField(
        max_length=10, choices=Gate.choices, blank=True, editable=False
    )
    reopened_reason = models.TextField(
        blank=True,
        editable=False,
        help_text="Why the system is back before its release gate (its risk tier rose); shown "
        "on its page until the release gate is passed.",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    # Set when a governance officer starts triage (services.system_transition, start_triage):
    # who works the intake through, by when, and what they noted. Kept in the history.
    triage_notes = models.TextField(blank=True, editable=False)
    triage_assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="systems_triaged",
        editable=False,
    )
    triage_target_date = models.DateField(null=True, blank=True, editable=False)
    evidence = GenericRelation(
        "aims.Evidence", content_type_field="target_type", object_id_field="target_id"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["id"]
        verbose_name = "AI system"
        permissions = [
            ("triage_aisystem", "Can triage intake and run lifecycle actions on any AI system"),
            ("decide_gate", "Can decide intake and release gates"),
        ]
        indexes = [models.Index(fields=["name"]), models.Index(fields=["business_unit"])]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~models.Q(external_id=""),
                name="aisystem_external_id_unique",
                violation_error_message="Another AI system has this external id.",
            )
        ]

    def gate_round(self, gate: str) -> int:
        return self.intake_round if gate == Gate.INTAKE else self.release_round

    def get_open_gate_display(self) -> str:
        return Gate(self.open_gate).label if self.open_gate else ""

    @property
    def open_gate(self) -> str | None:
        return {
            LifecycleStage.IN_TRIAGE: Gate.INTAKE,
            LifecycleStage.IN_VALIDATION: Gate.RELEASE,
        }.get(self.lifecycle_stage)


class AISystemUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(AISystem, on_delete=models.CASCADE)


class AISystemGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(AISystem, on_delete=models.CASCADE)


class SystemChild(TimeStampedModel):
    """A record that belongs to one AI system and is governed by the system's permissions."""

    system = models.ForeignKey(AISystem, on_delete=models.CASCADE, related_name="+")

    class Meta:
        abstract = True

    @property
    def permission_parent(self) -> AISystem:
        return self.system


class Component(ReferencedModel, SystemChild):
    REFERENCE_PREFIX = "CMP"

    class Kind(models.TextChoices):
        MODEL = "model", "Model"
        API = "api", "Hosted model API"
        LIBRARY = "library", "Library or framework"
        PROMPT = "prompt", "Prompt or system instructions"
        OTHER = "other", "Other"

    system = models.ForeignKey(AISystem, on_delete=models.CASCADE, related_name="components")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MODEL)
    name = models.CharField(max_length=200)
    version = models.CharField(max_length=100, blank=True)
    provider = models.CharField(max_length=200, blank=True, help_text="Vendor or team.")
    model_identifier = models.CharField(
        max_length=200, blank=True, help_text="The exact identifier the provider reports."
    )
    external_id = models.CharField(
        "external id",
        max_length=100,
        blank=True,
        help_text="The organisation's own identifier of the component; imports find the "
        "component by it. Unique when given.",
    )
    supplier = models.ForeignKey(
        "suppliers.Supplier",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="components",
        help_text="The registered supplier this component comes from; its changes flag the system.",
    )
    notes = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["system_id", "name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~models.Q(external_id=""),
                name="component_external_id_unique",
                violation_error_message="Another component has this external id.",
            )
        ]


class Dataset(ReferencedModel, SystemChild):
    REFERENCE_PREFIX = "DS"

    class Use(models.TextChoices):
        TRAINING = "training", "Training"
        FINE_TUNING = "fine_tuning", "Fine-tuning"
        EVALUATION = "evaluation", "Evaluation / testing"
        RETRIEVAL = "retrieval", "Retrieval (RAG) or reference"
        INPUT = "input", "Operational input"

    system = models.ForeignKey(AISystem, on_delete=models.CASCADE, related_name="datasets")
    name = models.CharField(max_length=200)
    use = models.CharField(max_length=20, choices=Use.choices, default=Use.INPUT)
    source = models.TextField("source and provenance")
    personal_data = models.CharField(
        max_length=20, choices=PersonalData.choices, default=PersonalData.NONE
    )
    licence = models.CharField(max_length=200, blank=True)
    quality_checks = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["system_id", "name", "id"]


class GateSetting(TimeStampedModel):
    """How many approvals a gate needs before it opens."""

    gate = models.CharField(max_length=10, choices=Gate.choices, unique=True)
    required_approvals = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["gate"]

    def __str__(self) -> str:
        return f"{self.get_gate_display()}: {self.required_approvals} approval(s)"


class Approval(ReferencedModel, SystemChild):
    """One approver's decision at one gate, in one round of that gate."""

    REFERENCE_PREFIX = "APR"

    class Decision(models.TextChoices):
        APPROVE = "approve", "Approve"
        APPROVE_WITH_CONDITIONS = "approve_with_conditions", "Approve with conditions"
        REQUEST_CHANGES = "request_changes", "Request changes"
        REJECT = "reject", "Reject"

    APPROVING = (Decision.APPROVE, Decision.APPROVE_WITH_CONDITIONS)

    system = models.ForeignKey(AISystem, on_delete=models.CASCADE, related_name="approvals")
    gate = models.CharField(max_length=10, choices=Gate.choices)
    round = models.PositiveSmallIntegerField(default=1)
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="approvals_given"
    )
    decision = models.CharField(max_length=30, choices=Decision.choices)
    conditions = models.TextField(blank=True)
    comment = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["system", "gate", "round", "approver"], name="one_decision_per_round"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_gate_display()}: {self.get_decision_display()}"


class ValidationRecord(ReferencedModel, SystemChild):
    REFERENCE_PREFIX = "VAL"

    class TestType(models.TextChoices):
        ACCURACY = "accuracy", "Accuracy / performance"
        BIAS = "bias", "Bias and fairness"
        SAFETY = "safety", "Safety / red-team"
        SECURITY = "security", "Security"
        OTHER = "other", "Other"

    class Result(models.TextChoices):
        PASS = "pass", "Pass"
        FAIL = "fail", "Fail"

    system = models.ForeignKey(AISystem, on_delete=models.CASCADE, related_name="validations")
    test_type = models.CharField(max_length=20, choices=TestType.choices)
    title = models.CharField(max_length=200)
    method = models.TextField(help_text="How it was tested: data, metrics, thresholds, tools.")
    result = models.CharField(max_length=10, choices=Result.choices)
    summary = models.TextField(blank=True)
    performed_on = models.DateField()
    performed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    release_round = models.PositiveSmallIntegerField(
        default=1,
        editable=False,
        help_text="The release-gate round this test was recorded for; a new round needs new tests.",
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        help_text="Who confirmed the review: someone other than the system's owner.",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    review_note = models.TextField(blank=True, editable=False)
    evidence = GenericRelation(
        "aims.Evidence", content_type_field="target_type", object_id_field="target_id"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-performed_on", "-id"]
        permissions = [
            ("review_validationrecord", "Can confirm an independent review of a validation")
        ]

    @property
    def is_independent(self) -> bool:
        """Performed, or reviewed, by someone other than the system's owner."""
        owner_id = self.system.owner_id
        return self.performed_by_id != owner_id or (
            self.reviewed_by_id is not None and self.reviewed_by_id != owner_id
        )


class ApprovalCondition(ReferencedModel, SystemChild):
    """One condition an approver attached to an approval: who must meet it and by when. The
    next gate of the system waits while one is open."""

    REFERENCE_PREFIX = "CND"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MET = "met", "Met"
        WAIVED = "waived", "Waived"

    system = models.ForeignKey(AISystem, on_delete=models.CASCADE, related_name="conditions")
    approval = models.ForeignKey(
        Approval, on_delete=models.CASCADE, related_name="condition_records", editable=False
    )
    text = models.TextField("condition")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="approval_conditions",
        help_text="Who must meet it; the system's owner unless the approver names someone else.",
    )
    due_on = models.DateField("due", db_index=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.OPEN, editable=False, db_index=True
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    closing_note = models.TextField(blank=True, editable=False)
    evidence = GenericRelation(
        "aims.Evidence", content_type_field="target_type", object_id_field="target_id"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "id"]
        permissions = [("waive_approvalcondition", "Can waive a condition of an approval")]

    def __str__(self) -> str:
        return f"{self.reference} {self.text[:60]}"

    @classmethod
    def visibility_rule(cls, user, action: str, prefix: str):
        """As visible as its system; its owner also sees it (they must meet it)."""
        from django.db.models import Q

        from aims.visibility import default_rule, either

        if action != "view":
            return None
        return either(default_rule(user, cls, action, prefix), Q(**{f"{prefix}owner": user}))


class ChangeRequest(ReferencedModel, SystemChild):
    """A change to a system that has passed its intake gate.

    Either written as such (kind, title, description), or opened by an edit of a material fact
    (a system's purpose, a component's model, a dataset...): the edit is not applied in place;
    ``proposed_values`` carries it (field -> {"from", "to"}) with the record it targets, and it
    is applied when the materiality is decided (inventory.services.changes)."""

    REFERENCE_PREFIX = "CHG"

    class Kind(models.TextChoices):
        MODEL_UPDATE = "model_update", "Model update"
        PROMPT_CHANGE = "prompt_change", "Prompt change"
        NEW_DATA_SOURCE = "new_data_source", "New data source"
        NEW_POPULATION = "new_population", "New population or purpose"
        VENDOR_CHANGE = "vendor_change", "Vendor change"
        SYSTEM_FACTS = "system_facts", "Change of the system's facts"
        # The one kind a high-tier system may still take while a vendor change on it waits
        # for its assessment (inventory.vendor_changes.change_request_refusal).
        EMERGENCY_FIX = "emergency_fix", "Emergency fix (security or safety)"

    # Kinds that change what the system is or who it affects: always material.
    ALWAYS_MATERIAL = (Kind.NEW_POPULATION,)

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed (materiality to be decided)"
        RECORDED = "recorded", "Recorded (not material)"
        APPLIED = "applied", "Applied (material; the release gate is still ahead)"
        IN_RELEASE_REVIEW = "in_release_review", "In release review"
        RELEASED = "released", "Released"
        REJECTED = "rejected", "Rejected at the release gate"
        WITHDRAWN = "withdrawn", "Withdrawn (system retired)"

    class Target(models.TextChoices):
        SYSTEM = "system", "The system's details"
        COMPONENT = "component", "A component"
        DATASET = "dataset", "A dataset"

    class Action(models.TextChoices):
        EDIT = "edit", "Edit"
        ADD = "add", "Add"
        REMOVE = "remove", "Remove"

    system = models.ForeignKey(AISystem, on_delete=models.CASCADE, related_name="change_requests")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    title = models.CharField(max_length=200)
    description = models.TextField()
    is_material = models.BooleanField(
        "material change",
        null=True,
        blank=True,
        default=True,
        help_text="A material change sends the system back through the release gate; empty "
        "while a governance officer has still to decide.",
    )
    status = models.CharField(max_length=30, choices=Status.choices, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    target = models.CharField(max_length=20, choices=Target.choices, blank=True, editable=False)
    target_id = models.PositiveIntegerField(
        null=True, blank=True, editable=False, help_text="The component or dataset changed."
    )
    target_action = models.CharField(
        max_length=10, choices=Action.choices, blank=True, editable=False
    )
    proposed_values = models.JSONField(
        default=dict,
        blank=True,
        editable=False,
        help_text='The proposed edit: field -> {"from": stored value, "to": proposed value}.',
    )
    materiality_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    materiality_decided_at = models.DateTimeField(null=True, blank=True, editable=False)
    materiality_reason = models.TextField(blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at", "-id"]

    def target_model(self):
        return {self.Target.COMPONENT: Component, self.Target.DATASET: Dataset}.get(
            self.target, AISystem
        )

    def proposed_rows(self) -> list[tuple[str, str, str]]:
        """The proposed edit as (field label, stored value, proposed value), in words."""
        model = self.target_model()
        rows = []
        for name, change in (self.proposed_values or {}).items():
            field = model._meta.get_field(name)
            rows.append(
                (
                    str(field.verbose_name).capitalize(),
                    _value_label(field, change.get("from")),
                    _value_label(field, change.get("to")),
                )
            )
        return rows


def _value_label(field, value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field.is_relation:
        # People by name, records by reference and name; a record deleted since says so.
        from aims.people import display_name

        model = field.related_model
        target = model._default_manager.filter(pk=value).first()
        prefix = getattr(model, "REFERENCE_PREFIX", "")
        if target is None:
            gone = f"{prefix}-{int(value):04d}" if prefix and str(value).isdigit() else ""
            return f"{gone} (deleted)" if gone else f"a deleted {model._meta.verbose_name}"
        if isinstance(target, AbstractBaseUser):
            return display_name(target)
        name = getattr(target, "name", "") or getattr(target, "title", "")
        return f"{target.reference} {name}".strip() if prefix else str(target)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


class IntakeDraft(ReferencedModel, TimeStampedModel):
    """A use-case intake being written step by step, before it is submitted. Not an AI
    system yet: it has no lifecycle, no owner rights and no reference in the register; on
    submit, its answers go through the intake service (every intake rule applies then) and
    the draft records the system it became."""

    REFERENCE_PREFIX = "DRAFT"

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="intake_drafts"
    )
    name = models.CharField(max_length=200, blank=True)
    step = models.PositiveSmallIntegerField(default=1, help_text="The step to resume at.")
    answers = models.JSONField(default=dict, blank=True)
    submitted_system = models.ForeignKey(
        AISystem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = "intake draft"

    @classmethod
    def visibility_rule(cls, user, action: str, prefix: str):
        """A draft is its author's: only they change it. Governance officers, who triage
        intake, may read every draft (to help an owner who is stuck)."""
        from aims.visibility import ALL

        if action == "view" and user.has_perm("inventory.triage_aisystem"):
            return ALL
        return models.Q(**{f"{prefix}author": user.pk})


# The model registry links live beside their services (inventory/registry/); imported here so
# Django finds them in the app's models module.
from .registry.models import ModelRegistryLink  # noqa: E402, F401
