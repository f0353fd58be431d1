"""Shapes of inventory records in the API. Input shape only: every rule is in
inventory.services. State fields (lifecycle_stage, risk_tier, rounds, status) are read-only:
they change through explicit actions."""

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer
from aims.people import display_name
from inventory import selectors, services, vendor_changes
from inventory.models import (
    AISystem,
    Approval,
    ApprovalCondition,
    ChangeRequest,
    Component,
    Dataset,
    GateSetting,
    ValidationRecord,
)

User = get_user_model()


class ChoiceLabelField(serializers.CharField):
    """The human label of a choice field. Reads ``get_<field>_display()`` directly: DRF's
    dotted-source lookup inspects the method's signature on every value, which costs half
    the time of a 100-row page."""

    def __init__(self, field: str, **kwargs):
        self.choice_field = field
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance) -> str:
        return getattr(instance, f"get_{self.choice_field}_display")()


def display(field: str) -> serializers.CharField:
    """The human label of a choice field, e.g. lifecycle_stage_display."""
    return ChoiceLabelField(field)


class VisibleSystemField(serializers.PrimaryKeyRelatedField):
    """An AI system id among those the acting user may see; any other id is a field error."""

    def get_queryset(self):
        return selectors.system_list(user=self.context["request"].user)


# --- AI systems -----------------------------------------------------------------------------


class AISystemReadSerializer(AimsModelSerializer):
    reference = serializers.CharField(read_only=True)
    owner_username = serializers.CharField(source="owner.username", read_only=True)
    business_unit_display = display("business_unit")
    lifecycle_stage_display = display("lifecycle_stage")
    deployment_type_display = display("deployment_type")
    ai_technique_display = display("ai_technique")
    decision_impact_display = display("decision_impact")
    human_oversight_display = display("human_oversight")
    personal_data_display = display("personal_data")
    risk_tier_display = display("risk_tier")
    returned_from_gate = serializers.CharField(
        read_only=True, help_text="The gate that asked for changes, while changes are requested."
    )
    vendor_change_unassessed = serializers.SerializerMethodField(
        help_text="A vendor change on this deployed high-tier system waits for its assessment: "
        "its gates and non-emergency change requests wait until it is assessed."
    )

    class Meta:
        model = AISystem
        fields = [
            "id",
            "reference",
            "name",
            "purpose",
            "expected_benefit",
            "business_unit",
            "business_unit_display",
            "owner",
            "owner_username",
            "lifecycle_stage",
            "lifecycle_stage_display",
            "deployment_type",
            "deployment_type_display",
            "ai_technique",
            "ai_technique_display",
            "decision_impact",
            "decision_impact_display",
            "human_oversight",
            "human_oversight_display",
            "intended_users",
            "affected_groups",
            "data_description",
            "personal_data",
            "personal_data_display",
            "user_facing",
            "used_in_eu",
            "known_risks",
            "risk_tier",
            "risk_tier_display",
            "review_cadence_months",
            "next_review_date",
            "in_aims_scope",
            "oversight_person",
            "intake_round",
            "release_round",
            "returned_from_gate",
            "reopened_reason",
            "vendor_change_unassessed",
            "submitted_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_vendor_change_unassessed(self, system: AISystem) -> bool:
        # A list puts the waiting systems of its page in the context (one query per page).
        waiting = self.context.get("vendor_waiting")
        if waiting is None:
            waiting = vendor_changes.systems_waiting_on_vendor_change([system.pk])
        return system.pk in waiting


class AvailableActionSerializer(AimsSerializer):
    action = serializers.CharField()
    label = serializers.CharField()


class AISystemDetailSerializer(AISystemReadSerializer):
    """One system, with what the acting user can do to it now."""

    submitted_by_username = serializers.CharField(
        source="submitted_by.username", read_only=True, default=None
    )
    open_gate = serializers.CharField(read_only=True, allow_null=True)
    available_actions = serializers.SerializerMethodField()
    oversight_person_username = serializers.CharField(
        source="oversight_person.username", read_only=True, default=None
    )
    triage_assignee_name = serializers.SerializerMethodField(
        help_text="The governance officer triaging the intake, by name."
    )

    class Meta(AISystemReadSerializer.Meta):
        fields = [
            *AISystemReadSerializer.Meta.fields,
            "triage_assignee",
            "triage_assignee_name",
            "triage_target_date",
            "triage_notes",
            "oversight_person_username",
            "submitted_by_username",
            "open_gate",
            "available_actions",
        ]
        read_only_fields = fields

    def get_triage_assignee_name(self, obj: AISystem) -> str:
        return display_name(obj.triage_assignee)

    @extend_schema_field(AvailableActionSerializer(many=True))
    def get_available_actions(self, obj: AISystem) -> list[dict[str, str]]:
        request = self.context.get("request")
        if request is None:
            return []
        return [
            {"action": name, "label": transition.label}
            for name, transition in services.available_transitions(actor=request.user, system=obj)
        ]


class AISystemWriteSerializer(AimsModelSerializer):
    """Edits of a system's details. ``owner`` is for governance officers (a handover)."""

    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), required=False
    )
    oversight_person = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="User id of the person who exercises human oversight; on a high-tier system "
        "they need in-date training for the 'human-oversight' responsibility (else 409).",
    )
    oversight_exception = serializers.CharField(
        required=False,
        allow_blank=True,
        write_only=True,
        max_length=2000,
        help_text="Governance officers: why the oversight person may serve without the "
        "required training (recorded on their assignment).",
    )
    oversight_exception_expires_on = serializers.DateField(
        required=False,
        allow_null=True,
        write_only=True,
        help_text="Required with oversight_exception: the last day the exception counts.",
    )

    class Meta:
        model = AISystem
        fields = [
            *services.EDITABLE_FIELDS,
            "owner",
            services.OVERSIGHT_EXCEPTION,
            services.OVERSIGHT_EXCEPTION_EXPIRES,
        ]


class AISystemIntakeSerializer(AISystemWriteSerializer):
    """A use-case intake. ``vendor`` and ``model_name`` become the system's first component;
    an officer may name another ``owner``."""

    vendor = serializers.CharField(
        required=False, allow_blank=True, max_length=200, write_only=True
    )
    model_name = serializers.CharField(
        required=False, allow_blank=True, max_length=200, write_only=True
    )
    oversight_person = None  # named after intake, by editing the system
    oversight_exception = None
    oversight_exception_expires_on = None

    class Meta(AISystemWriteSerializer.Meta):
        fields = [*services.INTAKE_FIELDS, "owner", "vendor", "model_name"]


class TransitionSerializer(AimsSerializer):
    action = serializers.ChoiceField(
        choices=[(k, t.label) for k, t in services.TRANSITIONS.items()]
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=1000, default="")
    # start_triage only; optional, so callers that only name the action keep working (the
    # assignee is then the caller, with no target date). The rules are the service's.
    notes = serializers.CharField(
        required=False, allow_blank=True, max_length=5000, help_text="Triage notes."
    )
    assignee = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.all(),
        required=False,
        help_text="The governance officer who triages (default: the caller).",
    )
    target_date = serializers.DateField(
        required=False, help_text="When triage should be done; not in the past."
    )

    def validate(self, attrs: dict) -> dict:
        triage = {k for k in ("notes", "assignee", "target_date") if k in attrs}
        if triage and attrs["action"] != "start_triage":
            raise serializers.ValidationError(
                {k: ["Only 'start_triage' takes triage details."] for k in triage}
            )
        return attrs


class ConditionInputSerializer(AimsSerializer):
    text = serializers.CharField(max_length=5000)
    due_on = serializers.DateField()
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        help_text="Who must meet it (user id); the system's owner when left out.",
    )


class ConditionsField(serializers.Field):
    """A list of conditions ({text, due_on, owner}), or text with one condition a line (all
    due on ``conditions_due_on``)."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            return data
        if not isinstance(data, list):
            raise serializers.ValidationError("Give a list of conditions, or text.")
        items = ConditionInputSerializer(data=data, many=True, context=self.context)
        items.is_valid(raise_exception=True)
        return [dict(item) for item in items.validated_data]

    def to_representation(self, value):
        return value


@extend_schema_field(ConditionInputSerializer(many=True))
class DocumentedConditionsField(ConditionsField):
    pass


class DecisionSerializer(AimsSerializer):
    decision = serializers.ChoiceField(choices=Approval.Decision.choices)
    conditions = DocumentedConditionsField(
        required=False,
        default="",
        help_text="With approve_with_conditions: a list of {text, due_on, owner}, or text with "
        "one condition a line. Each becomes a condition record the next gate waits for.",
    )
    conditions_due_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Due date of text conditions."
    )
    conditions_owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text="Owner of text conditions (user id); the system's owner when left out.",
    )
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReleaseBlockersSerializer(AimsSerializer):
    ready = serializers.BooleanField()
    blockers = serializers.ListField(child=serializers.CharField())


class NextStepSerializer(AimsSerializer):
    """One step of a system's next-steps checklist (inventory.next_steps)."""

    key = serializers.CharField()
    label = serializers.CharField()
    status = serializers.ChoiceField(choices=["done", "todo", "waiting", "optional"])
    status_label = serializers.CharField()
    who = serializers.CharField(help_text="Who acts next, in words.")
    detail = serializers.CharField()
    url = serializers.CharField(
        allow_blank=True, help_text="The page where it is done, when the caller may open it."
    )
    is_next = serializers.BooleanField()


class SystemFilterSerializer(AimsSerializer):
    """Query parameters of the systems list (passed to selectors.system_list)."""

    q = serializers.CharField(required=False, help_text="Reference (AIS-0001), name or purpose")
    lifecycle_stage = serializers.ChoiceField(
        choices=AISystem._meta.get_field("lifecycle_stage").choices, required=False
    )
    risk_tier = serializers.ChoiceField(
        choices=AISystem._meta.get_field("risk_tier").choices, required=False
    )
    business_unit = serializers.ChoiceField(
        choices=AISystem._meta.get_field("business_unit").choices, required=False
    )
    deployment_type = serializers.ChoiceField(
        choices=AISystem._meta.get_field("deployment_type").choices, required=False
    )
    owner = serializers.IntegerField(required=False, min_value=1, help_text="Owner user id")
    review_overdue = serializers.BooleanField(required=False, default=False)
    in_aims_scope = serializers.ChoiceField(
        choices=["yes", "no"], required=False, help_text="Systems in (yes) or out of (no) scope."
    )
    sort = serializers.ChoiceField(
        choices=[*selectors.SORTABLE, *(f"-{key}" for key in selectors.SORTABLE)],
        required=False,
        help_text="Sort key; prefix with '-' for descending.",
    )


# --- Records under a system -----------------------------------------------------------------


class SystemChildReadSerializer(AimsModelSerializer):
    reference = serializers.CharField(read_only=True)
    system_reference = serializers.CharField(source="system.reference", read_only=True)
    system_name = serializers.CharField(source="system.name", read_only=True)

    CHILD_FIELDS = ["id", "reference", "system", "system_reference", "system_name"]


class SystemChildWriteSerializer(AimsModelSerializer):
    """The system is named at creation and fixed afterwards."""

    system = VisibleSystemField(help_text="The AI system's id; fixed once the record exists.")

    def __init__(self, instance=None, *args, **kwargs):
        super().__init__(instance, *args, **kwargs)
        if instance is not None:
            self.fields["system"].read_only = True


class ComponentReadSerializer(SystemChildReadSerializer):
    kind_display = display("kind")

    class Meta:
        model = Component
        fields = [
            *SystemChildReadSerializer.CHILD_FIELDS,
            "kind",
            "kind_display",
            "name",
            "version",
            "provider",
            "supplier",
            "model_identifier",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ComponentWriteSerializer(SystemChildWriteSerializer):
    class Meta:
        model = Component
        fields = [
            "system", "kind", "name", "version", "provider", "supplier", "model_identifier",
            "notes",
        ]  # fmt: skip


class DatasetReadSerializer(SystemChildReadSerializer):
    use_display = display("use")
    personal_data_display = display("personal_data")

    class Meta:
        model = Dataset
        fields = [
            *SystemChildReadSerializer.CHILD_FIELDS,
            "name",
            "use",
            "use_display",
            "source",
            "personal_data",
            "personal_data_display",
            "licence",
            "quality_checks",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class DatasetWriteSerializer(SystemChildWriteSerializer):
    class Meta:
        model = Dataset
        fields = ["system", "name", "use", "source", "personal_data", "licence", "quality_checks"]


class ApprovalConditionReadSerializer(SystemChildReadSerializer):
    status_display = display("status")
    approval_reference = serializers.CharField(source="approval.reference", read_only=True)
    owner_username = serializers.CharField(source="owner.username", read_only=True)
    closed_by_username = serializers.CharField(
        source="closed_by.username", read_only=True, default=None
    )

    class Meta:
        model = ApprovalCondition
        fields = [
            *SystemChildReadSerializer.CHILD_FIELDS,
            "approval",
            "approval_reference",
            "text",
            "owner",
            "owner_username",
            "due_on",
            "status",
            "status_display",
            "closed_by",
            "closed_by_username",
            "closed_at",
            "closing_note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ConditionCloseSerializer(AimsSerializer):
    note = serializers.CharField(max_length=5000, help_text="How it was met, or why it is waived.")
    evidence_url = serializers.URLField(
        required=False, allow_blank=True, max_length=500, default=""
    )


class ValidationReviewSerializer(AimsSerializer):
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class ApprovalReadSerializer(SystemChildReadSerializer):
    gate_display = display("gate")
    decision_display = display("decision")
    approver_username = serializers.CharField(source="approver.username", read_only=True)
    condition_records = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Approval
        fields = [
            *SystemChildReadSerializer.CHILD_FIELDS,
            "gate",
            "gate_display",
            "round",
            "approver",
            "approver_username",
            "decision",
            "decision_display",
            "conditions",
            "condition_records",
            "comment",
            "created_at",
        ]
        read_only_fields = fields


class ValidationRecordReadSerializer(SystemChildReadSerializer):
    test_type_display = display("test_type")
    result_display = display("result")
    performed_by_username = serializers.CharField(source="performed_by.username", read_only=True)
    reviewed_by_username = serializers.CharField(
        source="reviewed_by.username", read_only=True, default=None
    )
    is_independent = serializers.BooleanField(
        read_only=True, help_text="Performed or reviewed by someone other than the owner."
    )

    class Meta:
        model = ValidationRecord
        fields = [
            *SystemChildReadSerializer.CHILD_FIELDS,
            "test_type",
            "test_type_display",
            "title",
            "method",
            "result",
            "result_display",
            "summary",
            "performed_on",
            "performed_by",
            "performed_by_username",
            "reviewed_by",
            "reviewed_by_username",
            "reviewed_at",
            "review_note",
            "is_independent",
            "release_round",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ValidationRecordWriteSerializer(AimsModelSerializer):
    """A test and its result; optionally its evidence as a file (multipart) or a link."""

    system = VisibleSystemField()
    evidence_file = serializers.FileField(required=False, allow_empty_file=False, write_only=True)
    evidence_url = serializers.URLField(
        required=False, allow_blank=True, max_length=500, write_only=True
    )

    class Meta:
        model = ValidationRecord
        fields = [
            "system",
            "test_type",
            "title",
            "method",
            "result",
            "summary",
            "performed_on",
            "evidence_file",
            "evidence_url",
        ]


class ChangeRequestReadSerializer(SystemChildReadSerializer):
    kind_display = display("kind")
    status_display = display("status")
    requested_by_username = serializers.CharField(source="requested_by.username", read_only=True)

    class Meta:
        model = ChangeRequest
        fields = [
            *SystemChildReadSerializer.CHILD_FIELDS,
            "kind",
            "kind_display",
            "title",
            "description",
            "is_material",
            "status",
            "status_display",
            "requested_by",
            "requested_by_username",
            "target",
            "target_id",
            "target_action",
            "proposed_values",
            "materiality_decided_by",
            "materiality_decided_at",
            "materiality_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class MaterialityDecisionSerializer(AimsSerializer):
    material = serializers.BooleanField(
        help_text="true: the change is material (the system goes back through the release "
        "gate); false: it is recorded. Either way its proposed values are applied."
    )
    reason = serializers.CharField(max_length=2000, help_text="Why it is or is not material.")


class ChangeRequestWriteSerializer(AimsModelSerializer):
    system = VisibleSystemField()
    is_material = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Leave out when unsure: the change is then treated as material. false (not "
        "material) on a medium or high tier only from a governance officer (else 403 "
        "materiality_needs_officer).",
    )

    class Meta:
        model = ChangeRequest
        fields = ["system", "kind", "title", "description", "is_material"]


# --- Gate settings --------------------------------------------------------------------------


class GateSettingReadSerializer(AimsModelSerializer):
    gate_display = display("gate")

    class Meta:
        model = GateSetting
        fields = ["gate", "gate_display", "required_approvals", "updated_at"]
        read_only_fields = fields


class GateSettingWriteSerializer(AimsModelSerializer):
    class Meta:
        model = GateSetting
        fields = ["required_approvals"]
        extra_kwargs = {"required_approvals": {"required": True}}
