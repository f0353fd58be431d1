"""Shapes of webhook subscriptions, deliveries and the events' payloads in the API."""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from aims.api.serializer_bases import AimsModelSerializer, AimsSerializer

from ..events import INCIDENT_CLOCKS, Event
from ..models import WebhookAttempt, WebhookDelivery, WebhookSubscription

User = get_user_model()


class WebhookSubscriptionReadSerializer(AimsModelSerializer):
    owner_username = serializers.CharField(source="owner.username", read_only=True)
    event_types = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices))

    class Meta:
        model = WebhookSubscription
        fields = [
            "id", "name", "url", "preset", "event_types", "owner", "owner_username",
            "is_active", "consecutive_failures", "disabled_reason", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class WebhookSubscriptionCreatedSerializer(WebhookSubscriptionReadSerializer):
    secret = serializers.CharField(
        read_only=True,
        help_text="Shown once. Each delivery carries X-AIMS-Signature: t=<unix time>,v1=<hex "
        "HMAC-SHA256 of '<t>.<raw body>' with this secret>.",
    )

    class Meta(WebhookSubscriptionReadSerializer.Meta):
        fields = [*WebhookSubscriptionReadSerializer.Meta.fields, "secret"]
        read_only_fields = fields


class WebhookSubscriptionWriteSerializer(AimsSerializer):
    name = serializers.CharField(max_length=100)
    url = serializers.CharField(max_length=500, help_text="An http(s) URL that accepts POST.")
    preset = serializers.ChoiceField(
        choices=WebhookSubscription.Preset.choices, default=WebhookSubscription.Preset.GENERIC
    )
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=Event.choices), allow_empty=False
    )
    owner = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True),
        required=False,
        help_text="Told when the subscription is disabled after failures; default: yourself.",
    )


class WebhookAttemptSerializer(AimsModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["number", "started_at", "status_code", "duration_ms", "succeeded", "error",
                  "response_body"]  # fmt: skip
        read_only_fields = fields


class WebhookDeliverySerializer(AimsModelSerializer):
    log = WebhookAttemptSerializer(many=True, read_only=True)

    class Meta:
        model = WebhookDelivery
        fields = [
            "id", "subscription", "event_type", "event_id", "status", "attempts",
            "next_attempt_at", "last_status_code", "last_duration_ms", "last_error",
            "redelivery_of", "created_at", "delivered_at", "payload", "log",
        ]  # fmt: skip
        read_only_fields = fields


# --- The payloads (documentation of what a receiver gets) ----------------------------------


class _SystemRef(AimsSerializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    name = serializers.CharField()
    url = serializers.URLField()


class _IncidentRef(AimsSerializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    severity = serializers.CharField()
    is_serious = serializers.BooleanField()
    url = serializers.URLField()


class _CorrectiveActionRef(AimsSerializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    due_date = serializers.DateField()
    owner = serializers.CharField(help_text="The owner's username.")
    url = serializers.URLField()


class _PackRef(AimsSerializer):
    id = serializers.IntegerField()
    reference = serializers.CharField()
    scope = serializers.CharField()
    system = serializers.CharField(allow_null=True, help_text="The system's reference, if any.")
    page_count = serializers.IntegerField()
    pdf_sha256 = serializers.CharField()
    url = serializers.URLField()


class _ReadinessFigures(AimsSerializer):
    percent = serializers.IntegerField(help_text="Whole percent ready, rounded down.")
    ready = serializers.IntegerField(help_text="Requirements and controls that are ready.")
    total = serializers.IntegerField(help_text="Requirements and controls in the SoA.")
    not_ready = serializers.IntegerField(help_text="total - ready: the readiness gaps.")


class _Readiness(_ReadinessFigures):
    as_of = serializers.DateField(help_text="The day the sweep computed the figures.")
    summary = serializers.CharField()
    url = serializers.URLField()


def _data(name: str, **fields) -> type[serializers.Serializer]:
    return type(name, (AimsSerializer,), fields)


DATA = {
    Event.SYSTEM_CREATED: _data("SystemCreatedData", system=_SystemRef(),
                                stage=serializers.CharField()),
    Event.SYSTEM_STAGE_CHANGED: _data("SystemStageChangedData", system=_SystemRef(),
                                      from_stage=serializers.CharField(),
                                      to_stage=serializers.CharField()),
    Event.GATE_DECIDED: _data("GateDecidedData", system=_SystemRef(),
                              gate=serializers.CharField(), decision=serializers.CharField(),
                              approval_id=serializers.IntegerField(),
                              decided_by=serializers.CharField()),
    Event.CLASSIFICATION_CHANGED: _data("ClassificationChangedData", system=_SystemRef(),
                                        from_tier=serializers.CharField(),
                                        to_tier=serializers.CharField()),
    Event.INCIDENT_CREATED: _data("IncidentCreatedData", incident=_IncidentRef()),
    Event.INCIDENT_SERIOUS: _data("IncidentSeriousData", incident=_IncidentRef()),
    Event.INCIDENT_OVERDUE: _data(
        "IncidentOverdueData", incident=_IncidentRef(),
        clock=serializers.ChoiceField(
            choices=INCIDENT_CLOCKS,
            help_text="The time target missed (acknowledge, contain, resolve) or the "
            "serious-incident report to the authority. Sent once per incident, clock and due "
            "moment, by the daily sweep.",
        ),
        due_at=serializers.DateTimeField(help_text="The moment the clock ran out."),
    ),
    Event.VENDOR_CHANGE_RECORDED: _data("VendorChangeRecordedData", notice=serializers.DictField()),
    Event.CAPA_OVERDUE: _data(
        "CorrectiveActionOverdueData", corrective_action=_CorrectiveActionRef(),
        days_overdue=serializers.IntegerField(
            help_text="Days past the due date when the daily sweep found it. Sent once per "
            "corrective action and due date: a new due date missed is sent again."
        ),
    ),
    Event.EVIDENCE_PACK_READY: _data("EvidencePackReadyData", pack=_PackRef()),
    Event.READINESS_CHANGED: _data(
        "ReadinessChangedData",
        readiness=_Readiness(
            help_text="The readiness for certification now. Checked by the daily sweep; sent "
            "when the count of ready requirements and controls, or their total, differs from "
            "the figures last sent (the first check only records them)."
        ),
        previous=_ReadinessFigures(help_text="The figures last sent."),
    ),
}  # fmt: skip


def _event_serializer(event: Event) -> type[serializers.Serializer]:
    name = "Webhook" + DATA[event].__name__.removesuffix("Data") + "Event"
    return type(
        name,
        (AimsSerializer,),
        {
            "__doc__": f"{event.label}: the body of a '{event.value}' delivery (AIMS JSON).",
            "id": serializers.UUIDField(help_text="The event's id (the same on a redelivery)."),
            "type": serializers.ChoiceField(choices=[(event.value, event.label)]),
            "created_at": serializers.DateTimeField(),
            "data": DATA[event](),
        },
    )


#: One component per event in the OpenAPI schema, discriminated by ``type``.
EVENT_SERIALIZERS = {event.value: _event_serializer(event) for event in Event}
